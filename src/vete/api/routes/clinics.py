"""Clinics and what they offer: services, vets, products, free slots (open to everyone)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import APIRouter, Query

from vete import booking, reads
from vete.api.deps import PublicDb, TenantId, UserDb
from vete.db.work import Work

router = APIRouter(prefix="/api", tags=["clinics"])
T = TypeVar("T")


def _in_clinic(tenant_id: str, read: Callable[..., Work[T]]) -> Work[T]:
    """``read(tenant_id=...)`` after a 404 for an unknown clinic."""
    yield from reads.require_clinic_work(tenant_id=tenant_id)
    return (yield from read(tenant_id=tenant_id))


@router.get("/clinics")
async def list_clinics(db: PublicDb) -> list[reads.Clinic]:
    """Every clinic."""
    return await db.run(reads.clinics_work())


@router.get("/clinics/{tenant_id}")
async def get_clinic(tenant_id: TenantId, db: PublicDb) -> reads.Clinic:
    """One clinic and its time zone."""
    return await db.run(reads.require_clinic_work(tenant_id=tenant_id))


@router.get("/clinics/{tenant_id}/services")
async def list_services(tenant_id: TenantId, db: PublicDb) -> list[reads.Service]:
    """The clinic's active services (duration and buffer in minutes)."""
    return await db.run(_in_clinic(tenant_id, reads.services_work))


@router.get("/clinics/{tenant_id}/vets")
async def list_vets(tenant_id: TenantId, db: PublicDb) -> list[reads.Vet]:
    """The clinic's vets."""
    return await db.run(_in_clinic(tenant_id, reads.vets_work))


@router.get("/clinics/{tenant_id}/products")
async def list_products(tenant_id: TenantId, db: PublicDb) -> list[reads.Product]:
    """Products on sale with the units available now."""
    return await db.run(_in_clinic(tenant_id, reads.products_work))


@router.get("/clinics/{tenant_id}/pets")
async def list_my_pets(tenant_id: TenantId, db: UserDb) -> list[reads.Pet]:
    """The caller's pets in the clinic."""
    return await db.run(reads.my_pets_work(tenant_id=tenant_id))


@router.get("/clinics/{tenant_id}/availability")
async def availability(
    tenant_id: TenantId,
    day: Annotated[date, Query(description="The clinic's local date.")],
    service_id: UUID,
    db: PublicDb,
    vet_id: UUID | None = None,
) -> list[booking.Slot]:
    """Free slots of a clinic-local day for a service (one vet, or all)."""
    slots = partial(booking.available_slots_work, day=day, service_id=service_id, vet_id=vet_id)
    return await db.run(_in_clinic(tenant_id, slots))


@router.get("/me")
async def me(db: UserDb) -> list[reads.Membership]:
    """The clinics the caller belongs to, with their role in each."""
    return await db.run(reads.my_memberships_work())
