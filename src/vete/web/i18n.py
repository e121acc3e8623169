"""The pages' words in Spanish (default, as the clinics speak) and English."""

from __future__ import annotations

LANGUAGES = ("es", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "es": {
        "app": "vete",
        "tagline": "Turnos y tienda de tu clínica veterinaria",
        "choose_clinic": "Elegí tu clínica",
        "book": "Reservar turno",
        "shop": "Tienda",
        "cart": "Carrito",
        "my_appointments": "Mis turnos",
        "staff_day": "Agenda del día",
        "sign_in": "Ingresar",
        "sign_out": "Salir",
        "demo_login": "Ingreso de demostración",
        "demo_login_note": "Solo para la demo: elegí un usuario de ejemplo. No hay contraseña.",
        "token_login": "Ingresar con un token de acceso",
        "token_login_note": (
            "Pegá el token de acceso (un JWT) que te da el inicio de sesión de tu clínica"
            " (Supabase Auth): el mismo que la API recibe como «Authorization: Bearer <token>»."
            " Se guarda en una cookie de este navegador hasta que salgas."
        ),
        "access_token": "Token de acceso",
        "token_refused": "Ese token no sirve para ingresar aquí",
        "signed_in_as": "Sesión de",
        "service": "Servicio",
        "vet": "Veterinario/a",
        "any_vet": "Cualquiera",
        "day": "Día",
        "pet": "Mascota",
        "show_slots": "Ver horarios libres",
        "free_slots": "Horarios libres",
        "no_slots": "No hay horarios libres ese día.",
        "sign_in_to_book": "Ingresá para reservar.",
        "no_pets": "No tenés mascotas registradas en esta clínica.",
        "booked": "Turno reservado",
        "when": "Cuándo",
        "status": "Estado",
        "reschedule": "Reprogramar",
        "cancel": "Cancelar",
        "cancel_reason": "Motivo",
        "cancel_default_reason": "No puedo asistir",
        "no_appointments": "Todavía no tenés turnos.",
        "new_time": "Nuevo horario",
        "owner": "Dueño/a",
        "nothing_today": "No hay turnos este día.",
        "product": "Producto",
        "price": "Precio",
        "available": "Disponibles",
        "quantity": "Cantidad",
        "add_to_cart": "Agregar",
        "out_of_stock": "Sin stock",
        "refresh": "Actualizar",
        "remove": "Quitar",
        "total": "Total",
        "checkout": "Confirmar compra",
        "cart_empty": "Tu carrito está vacío.",
        "device_cart_note": (
            "Estos artículos se guardan en este dispositivo y se suman a tu carrito al ingresar."
        ),
        "order_placed": "Pedido confirmado",
        "order_number": "Pedido",
        "back": "Volver",
        "error": "No se pudo completar",
        "language": "Idioma",
        "adjusted": "Ajustado",
        "scheduled": "programado",
        "confirmed": "confirmado",
        "checked_in": "en sala",
        "in_progress": "en atención",
        "completed": "completado",
        "cancelled": "cancelado",
        "no_show": "ausente",
        "confirm": "Confirmar",
        "check_in": "Registrar llegada",
    },
    "en": {
        "app": "vete",
        "tagline": "Appointments and shop of your veterinary clinic",
        "choose_clinic": "Choose your clinic",
        "book": "Book an appointment",
        "shop": "Shop",
        "cart": "Cart",
        "my_appointments": "My appointments",
        "staff_day": "Day view",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "demo_login": "Demo sign-in",
        "demo_login_note": "Demo only: pick a sample user. There is no password.",
        "token_login": "Sign in with an access token",
        "token_login_note": (
            "Paste the access token (a JWT) your clinic's sign-in (Supabase Auth) gives you:"
            " the same token the API takes as “Authorization: Bearer <token>”."
            " It is kept in a cookie of this browser until you sign out."
        ),
        "access_token": "Access token",
        "token_refused": "That token cannot sign you in here",
        "signed_in_as": "Signed in as",
        "service": "Service",
        "vet": "Vet",
        "any_vet": "Any",
        "day": "Day",
        "pet": "Pet",
        "show_slots": "Show free slots",
        "free_slots": "Free slots",
        "no_slots": "No free slots that day.",
        "sign_in_to_book": "Sign in to book.",
        "no_pets": "You have no pets registered at this clinic.",
        "booked": "Appointment booked",
        "when": "When",
        "status": "Status",
        "reschedule": "Reschedule",
        "cancel": "Cancel",
        "cancel_reason": "Reason",
        "cancel_default_reason": "I cannot come",
        "no_appointments": "You have no appointments yet.",
        "new_time": "New time",
        "owner": "Owner",
        "nothing_today": "No appointments that day.",
        "product": "Product",
        "price": "Price",
        "available": "Available",
        "quantity": "Quantity",
        "add_to_cart": "Add",
        "out_of_stock": "Out of stock",
        "refresh": "Update",
        "remove": "Remove",
        "total": "Total",
        "checkout": "Place order",
        "cart_empty": "Your cart is empty.",
        "device_cart_note": (
            "These items are kept on this device and merged into your cart when you sign in."
        ),
        "order_placed": "Order placed",
        "order_number": "Order",
        "back": "Back",
        "error": "Could not complete",
        "language": "Language",
        "adjusted": "Adjusted",
        "scheduled": "scheduled",
        "confirmed": "confirmed",
        "checked_in": "checked in",
        "in_progress": "in progress",
        "completed": "completed",
        "cancelled": "cancelled",
        "no_show": "no show",
        "confirm": "Confirm",
        "check_in": "Check in",
    },
}


#: Notices a page shows once (vete.web.render.keep_notice); ``{n}`` is a count.
NOTICES: dict[str, dict[str, str]] = {
    "device_cart_dropped": {
        "es": (
            "{n} línea(s) del carrito guardado en este dispositivo no se pudieron leer"
            " y se quitaron."
        ),
        "en": "{n} line(s) of the cart kept on this device could not be read and were removed.",
    },
    "device_cart_not_merged": {
        "es": "El carrito guardado en este dispositivo no se pudo sumar al tuyo y se descartó.",
        "en": "The cart kept on this device could not be merged into yours and was discarded.",
    },
}


def pick_language(query: str | None, cookie: str | None, accept: str | None) -> str:
    """``?lang=``, else the cookie, else the browser's first choice we speak, else Spanish."""
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    for part in (accept or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "es"
