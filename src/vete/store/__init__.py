"""The store: carts that never lose an item and checkout that never oversells.

The write paths are SQL functions (migrations ``010``-``014``); this package calls them
by name with typed arguments and returns frozen dataclasses. Each call blocks on a
psycopg ``Connection``; its ``*_work`` twin runs on an async one (:mod:`vete.db.work`).
"""

from vete.store.cart import (
    add_item,
    add_item_work,
    clear_cart,
    clear_cart_work,
    get_cart,
    get_cart_work,
    merge_cart,
    merge_cart_work,
    remove_item,
    remove_item_work,
    set_quantity,
    set_quantity_work,
)
from vete.store.checkout import checkout, checkout_work
from vete.store.demo import load_store_demo
from vete.store.models import (
    Adjustment,
    Cart,
    CartLine,
    ItemType,
    MergePolicy,
    Order,
    OrderLine,
)

__all__ = [
    "Adjustment",
    "Cart",
    "CartLine",
    "ItemType",
    "MergePolicy",
    "Order",
    "OrderLine",
    "add_item",
    "add_item_work",
    "checkout",
    "checkout_work",
    "clear_cart",
    "clear_cart_work",
    "get_cart",
    "get_cart_work",
    "load_store_demo",
    "merge_cart",
    "merge_cart_work",
    "remove_item",
    "remove_item_work",
    "set_quantity",
    "set_quantity_work",
]
