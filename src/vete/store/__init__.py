"""The store: carts that never lose an item and checkout that never oversells.

The write paths are SQL functions (migrations ``010``-``014``); this package calls them
by name with typed arguments and returns frozen dataclasses.
"""

from vete.store.cart import add_item, clear_cart, get_cart, merge_cart, remove_item, set_quantity
from vete.store.checkout import checkout
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
    "checkout",
    "clear_cart",
    "get_cart",
    "load_store_demo",
    "merge_cart",
    "remove_item",
    "set_quantity",
]
