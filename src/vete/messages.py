"""The one catalog of words a person reads, in Spanish and English.

Pages, page errors and the API's problem ``detail`` all take their words from
:data:`CATALOG`; the machine code (``SLOT_UNAVAILABLE`` …) stays in the API body's ``code``
and never reaches a page as text. Spanish is the voseo of Paraguay (the demo's first
clinic is in Asunción) throughout: "Elegí", "Ingresá", "tenés" — never "usted" forms.

Keys: plain words of the pages (``book``), ``error.CODE`` for every error code a person
may meet (every business code in :data:`vete.errors.BUSINESS_CODES`, and the codes the
HTTP layer adds), ``role.ROLE``, ``status.STATUS``, ``notice.KEY`` (shown once after a
redirect), ``no_slots.REASON``. ``tests/test_messages.py`` checks that every key has both
languages, that every business code has its ``error.`` key, and that the placeholders of
both languages agree.

Placeholders are ``str.format`` fields (``{n}``, ``{name}``); the values come from vete,
and the pages escape them (Jinja's autoescape) like any other text.
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["es", "en"]
LANGUAGES: Final[tuple[Lang, ...]] = ("es", "en")
DEFAULT: Final[Lang] = "es"

_WORDS: dict[str, tuple[str, str]] = {
    # (Spanish, English)
    "app": ("vete", "vete"),
    "skip": ("Saltar al contenido", "Skip to content"),
    "tagline": ("Turnos y tienda de tu clínica veterinaria", "Appointments and shop of your vet"),
    "choose_clinic": ("Elegí tu clínica", "Choose your clinic"),
    "book": ("Reservar turno", "Book an appointment"),
    "shop": ("Tienda", "Shop"),
    "cart": ("Carrito", "Cart"),
    "my_appointments": ("Mis turnos", "My appointments"),
    "staff_day": ("Agenda del día", "Day view"),
    "sign_in": ("Ingresar", "Sign in"),
    "sign_out": ("Salir", "Sign out"),
    "demo_login": ("Ingreso de demostración", "Demo sign-in"),
    "demo_login_note": (
        "Solo para la demo: elegí un usuario de ejemplo. No hay contraseña.",
        "Demo only: pick a sample user. There is no password.",
    ),
    "token_login": ("Ingresar con un token de acceso", "Sign in with an access token"),
    "token_login_note": (
        "Pegá el token de acceso (un JWT) que te da el inicio de sesión de tu clínica"
        " (Supabase Auth): el mismo que la API recibe como «Authorization: Bearer <token>»."
        " Se guarda en una cookie de este navegador hasta que salgas.",
        "Paste the access token (a JWT) your clinic's sign-in (Supabase Auth) gives you:"
        " the same token the API takes as “Authorization: Bearer <token>”."
        " It is kept in a cookie of this browser until you sign out.",
    ),
    "access_token": ("Token de acceso", "Access token"),
    "token_refused": (
        "Ese token no sirve para ingresar aquí: puede estar vencido o ser de otro sitio.",
        "That token cannot sign you in here: it may have expired or belong to another site.",
    ),
    "signed_in_as": ("Sesión de", "Signed in as"),
    "service": ("Servicio", "Service"),
    "vet": ("Veterinario/a", "Vet"),
    "any_vet": ("Cualquiera", "Any"),
    "day": ("Día", "Day"),
    "pet": ("Mascota", "Pet"),
    "minutes": ("{n} min", "{n} min"),
    "show_slots": ("Ver horarios libres", "Show free slots"),
    "free_slots": ("Horarios libres", "Free slots"),
    "sign_in_to_book": ("Ingresá para reservar", "Sign in to book"),
    "no_pets": (
        "No tenés mascotas registradas en esta clínica.",
        "You have no pets registered at this clinic.",
    ),
    "booked": ("Turno reservado: {when}.", "Appointment booked: {when}."),
    "rescheduled": ("Turno movido al {when}.", "Appointment moved to {when}."),
    "cancelled_note": ("Turno del {when} cancelado.", "Appointment on {when} cancelled."),
    "when": ("Cuándo", "When"),
    "status": ("Estado", "Status"),
    "reschedule": ("Reprogramar", "Reschedule"),
    "reschedule_title": ("Reprogramar: {pet} · {service}", "Reschedule: {pet} · {service}"),
    "now_booked": ("Ahora: {when} con {vet}", "Now: {when} with {vet}"),
    "cancel": ("Cancelar", "Cancel"),
    "cancel_reason": ("Motivo", "Reason"),
    "cancel_default_reason": ("No puedo asistir", "I cannot come"),
    "no_appointments": ("Todavía no tenés turnos.", "You have no appointments yet."),
    "new_time": ("Nuevo horario", "New time"),
    "keep_time": ("Dejar como está", "Keep it as it is"),
    "owner_name": ("Dueño/a", "Owner"),
    "nothing_today": ("No hay turnos este día.", "No appointments that day."),
    "product": ("Producto", "Product"),
    "unit_price": ("Precio unitario", "Unit price"),
    "price": ("Precio", "Price"),
    "subtotal": ("Subtotal", "Subtotal"),
    "available": ("Disponibles", "Available"),
    "quantity": ("Cantidad", "Quantity"),
    "add_to_cart": ("Agregar", "Add"),
    "out_of_stock": ("Sin stock", "Out of stock"),
    "refresh": ("Actualizar", "Update"),
    "show_day": ("Ver día", "Show day"),
    "remove": ("Quitar", "Remove"),
    "total": ("Total", "Total"),
    "checkout": ("Confirmar compra", "Place order"),
    "cart_empty": ("Tu carrito está vacío.", "Your cart is empty."),
    "device_cart_note": (
        "Estos artículos se guardan en este dispositivo y se suman a tu carrito al ingresar.",
        "These items are kept on this device and merged into your cart when you sign in.",
    ),
    "more_than_available": (
        "Hay {n} disponibles: al ingresar se ajusta.",
        "{n} available: adjusted when you sign in.",
    ),
    "sign_in_to_buy": ("Ingresá para comprar", "Sign in to buy"),
    "order_placed": ("Pedido confirmado", "Order placed"),
    "order_number": ("Pedido", "Order"),
    "back_to_shop": ("Volver a la tienda", "Back to the shop"),
    "back": ("Volver", "Back"),
    "home": ("Inicio", "Home"),
    "error": ("No se pudo completar", "Could not complete"),
    "language": ("Idioma", "Language"),
    "other_language": ("English", "Español"),
    "confirm": ("Confirmar", "Confirm"),
    "check_in": ("Registrar llegada", "Check in"),
    "role_at": ("{role} en {clinic}", "{role} at {clinic}"),
    # Roles and appointment statuses, as people read them.
    "role.owner": ("dueño/a de mascota", "pet owner"),
    "role.vet": ("veterinario/a", "vet"),
    "role.admin": ("administrador/a", "admin"),
    "status.scheduled": ("reservado", "booked"),
    "status.confirmed": ("confirmado", "confirmed"),
    "status.checked_in": ("en sala de espera", "checked in"),
    "status.in_progress": ("en atención", "in progress"),
    "status.completed": ("atendido", "completed"),
    "status.cancelled": ("cancelado", "cancelled"),
    "status.no_show": ("no vino", "no show"),
    # Why a day shows no free slot.
    "no_slots.past": (
        "Ese día ya pasó: elegí un día desde hoy.",
        "That day has passed: choose a day from today on.",
    ),
    "no_slots.closed": (
        "La clínica no atiende ese día (o ese veterinario/a no trabaja ese día).",
        "The clinic is closed that day (or that vet does not work that day).",
    ),
    "no_slots.today": (
        "Hoy ya no quedan horarios libres. Probá con otro día.",
        "No free slots are left today. Try another day.",
    ),
    "no_slots.full": (
        "No quedan horarios libres ese día: está todo reservado. Probá con otro día.",
        "No free slots left that day: it is fully booked. Try another day.",
    ),
    # Notices shown once, after a redirect (vete.web.render.keep_notice).
    "notice.device_cart_dropped": (
        "{n} línea(s) del carrito guardado en este dispositivo no se pudieron leer y se quitaron.",
        "{n} line(s) of the cart kept on this device could not be read and were removed.",
    ),
    "notice.device_cart_not_merged": (
        "El carrito guardado en este dispositivo no se pudo sumar al tuyo y se descartó.",
        "The cart kept on this device could not be merged into yours and was discarded.",
    ),
    "notice.session_expired": (
        "Tu sesión venció: ingresá de nuevo para seguir donde estabas.",
        "Your session expired: sign in again to carry on where you were.",
    ),
    "notice.stock_limit": (
        "Pediste {requested} de «{name}», pero hay {quantity}: tu carrito tiene {quantity}.",
        "You asked for {requested} of “{name}”, but {quantity} are available:"
        " your cart has {quantity}.",
    ),
    "notice.out_of_stock": (
        "«{name}» se quedó sin stock y se quitó de tu carrito.",
        "“{name}” is out of stock and was removed from your cart.",
    ),
    "notice.line_max": (
        "Pediste {requested} de «{name}»; el máximo por línea es {quantity}.",
        "You asked for {requested} of “{name}”; the most per line is {quantity}.",
    ),
    "notice.dropped": (
        "«{name}» ya no está a la venta y se quitó de tu carrito.",
        "“{name}” is no longer on sale and was removed from your cart.",
    ),
    # Errors: one sentence per code (the API's detail, the pages' error text).
    "error.SLOT_UNAVAILABLE": (
        "Ese horario ya no está libre. Elegí otro.",
        "That time is no longer free. Choose another one.",
    ),
    "error.NOT_FOUND": ("No encontramos lo que buscás.", "We could not find what you asked for."),
    "error.TENANT_NOT_FOUND": ("No existe esa clínica.", "There is no such clinic."),
    "error.PET_NOT_FOUND": ("No encontramos esa mascota.", "We could not find that pet."),
    "error.VET_NOT_FOUND": (
        "No encontramos ese veterinario/a en la clínica.",
        "We could not find that vet at the clinic.",
    ),
    "error.SERVICE_NOT_FOUND": (
        "No encontramos ese servicio en la clínica.",
        "We could not find that service at the clinic.",
    ),
    "error.UNAUTHORIZED": ("No tenés permiso para hacer eso.", "You may not do that."),
    "error.DURATION_NOT_ALLOWED": (
        "La duración del turno la elige la clínica.",
        "The clinic sets how long the appointment lasts.",
    ),
    "error.INVALID_STATUS": (
        "Ese turno ya no se puede cambiar (está cancelado o terminado).",
        "That appointment can no longer be changed (it is cancelled or finished).",
    ),
    "error.INVALID_TRANSITION": (
        "Ese turno no puede pasar a ese estado.",
        "That appointment cannot move to that status.",
    ),
    "error.IDEMPOTENCY_CONFLICT": (
        "Esa clave de reintento ya se usó para otro pedido.",
        "That retry key was already used for another request.",
    ),
    "error.INVALID_TIME": ("Ese horario no es válido.", "That time is not valid."),
    "error.NONEXISTENT_LOCAL_TIME": (
        "Esa hora no existe ese día en la clínica (cambio de hora).",
        "That time does not exist that day at the clinic (clock change).",
    ),
    "error.INVALID_DURATION": ("Esa duración no es válida.", "That duration is not valid."),
    "error.OUTSIDE_WORKING_HOURS": (
        "Ese horario está fuera del horario de atención.",
        "That time is outside working hours.",
    ),
    "error.OUTSIDE_SERVICE_HOURS": (
        "Ese servicio no se ofrece en ese horario.",
        "That service is not offered at that time.",
    ),
    "error.DURING_BREAK": (
        "Ese horario cae en un descanso del veterinario/a.",
        "That time falls in the vet's break.",
    ),
    "error.VET_TIME_OFF": (
        "El veterinario/a no está disponible ese día.",
        "The vet is away at that time.",
    ),
    "error.REASON_REQUIRED": ("Escribí un motivo.", "Give a reason."),
    "error.UNKNOWN_STATUS": ("Ese estado no existe.", "There is no such status."),
    "error.INVALID_IDEMPOTENCY_KEY": (
        "La clave de reintento no es válida.",
        "The retry key is not valid.",
    ),
    "error.START_TOO_FAR_AHEAD": (
        "Ese día está demasiado adelante: la clínica todavía no da turnos para entonces.",
        "That day is too far ahead: the clinic does not take bookings that far yet.",
    ),
    "error.TEXT_TOO_LONG": ("El texto es demasiado largo.", "The text is too long."),
    "error.CUSTOMER_NOT_FOUND": (
        "No tenés una cuenta en esta clínica.",
        "You have no account at this clinic.",
    ),
    "error.ITEM_NOT_FOUND": (
        "Ese producto no está a la venta en esta clínica.",
        "That product is not on sale at this clinic.",
    ),
    "error.OUT_OF_STOCK": (
        "No hay stock suficiente para tu pedido. Revisá las cantidades.",
        "There is not enough stock for your order. Check the quantities.",
    ),
    "error.CART_EMPTY": ("Tu carrito está vacío.", "Your cart is empty."),
    "error.INVALID_ITEMS": (
        "Hay artículos del carrito que no se pueden leer.",
        "Some cart items cannot be read.",
    ),
    "error.TOO_MANY_ITEMS": (
        "Demasiados artículos en un solo pedido.",
        "Too many items in one request.",
    ),
    "error.INVALID_POLICY": (
        "Esa forma de sumar carritos no existe.",
        "There is no such way to merge carts.",
    ),
    "error.INVALID_INPUT": ("Hay datos que no son válidos.", "Some of the data is not valid."),
    "error.UNAUTHENTICATED": (
        "Ingresá para seguir: no hay sesión, venció o no es válida.",
        "Sign in to go on: there is no session, or it expired or is not valid.",
    ),
    "error.FORBIDDEN": ("No tenés acceso a esta página.", "You do not have access to this."),
    "error.CROSS_SITE_REQUEST": (
        "Este formulario vino de otro sitio. Abrí la página aquí y envialo de nuevo.",
        "This form was sent from another site. Open the page here and send it again.",
    ),
    "error.CONFLICT": (
        "Eso choca con el estado actual. Recargá la página.",
        "That clashes with the current state. Reload the page.",
    ),
    "error.SERVICE_UNAVAILABLE": (
        "El servicio está ocupado. Probá de nuevo en unos segundos.",
        "The service is busy. Try again in a few seconds.",
    ),
    "error.DATABASE_UNAVAILABLE": (
        "El servicio no está disponible. Probá de nuevo en unos segundos.",
        "The service is unavailable. Try again in a few seconds.",
    ),
    "error.METHOD_NOT_ALLOWED": (
        "Esa dirección no acepta este pedido.",
        "That address does not take this request.",
    ),
    "error.HTTP_ERROR": ("El pedido no se pudo atender.", "The request could not be served."),
    "error.INTERNAL_ERROR": (
        "Algo falló de nuestro lado. Si se repite, avisá con el número de pedido.",
        "Something failed on our side. If it happens again, quote the request id.",
    ),
    "error.ERROR": ("No se pudo completar.", "Could not complete."),
    # What the API adds to a 422 about the values PostgreSQL refused (SQLSTATE class 22).
    "data.nul": (
        "un texto tiene un carácter NUL (U+0000), que no se puede guardar",
        "a text holds a NUL character (U+0000), which cannot be stored",
    ),
    "data.unicode": ("un texto no es Unicode válido", "a text is not valid Unicode"),
    "data.format": (
        "un valor no tiene el formato esperado (JSON, Unicode, número o id)",
        "a value is not in the expected format (JSON, Unicode, number or id)",
    ),
    "data.range": ("un número está fuera de rango", "a number is out of range"),
    "data.time_range": ("una fecha u hora está fuera de rango", "a date or time is out of range"),
    "data.time_format": ("una fecha u hora está mal escrita", "a date or time is malformed"),
    "data.too_long": ("un texto es demasiado largo", "a text is too long"),
    "data.other": ("un valor no es válido aquí", "a value is not valid here"),
    "fields": ("Revisá: {fields}.", "Check: {fields}."),
}

#: ``CATALOG[key][lang]``: every key in both languages.
CATALOG: Final[dict[str, dict[Lang, str]]] = {
    key: {"es": es, "en": en} for key, (es, en) in _WORDS.items()
}


def words(lang: Lang) -> dict[str, str]:
    """Every entry in one language (the pages' ``t``)."""
    return {key: both[lang] for key, both in CATALOG.items()}


def say(key: str, lang: Lang, **values: object) -> str:
    """The entry ``key`` in ``lang`` with its placeholders filled."""
    return CATALOG[key][lang].format(**values)


def error_text(code: str, lang: Lang) -> str:
    """What a person reads for an error ``code`` (a generic sentence for an unknown one)."""
    entry = CATALOG.get(f"error.{code}") or CATALOG["error.ERROR"]
    return entry[lang]


def pick_language(query: str | None, cookie: str | None, accept: str | None) -> Lang:
    """``?lang=``, else the cookie, else the first language of ``Accept-Language`` (by its
    ``q``) that vete speaks, else Spanish."""
    for choice in (query, cookie):
        if choice == "es":
            return "es"
        if choice == "en":
            return "en"
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, index, tag.strip().lower()[:2]))
    for quality, _index, tag in sorted(ranked):
        if quality < 0 and tag in ("es", "en"):
            return "es" if tag == "es" else "en"
    return DEFAULT
