"""Clinics and what they offer: services, vets, products, free slots (open to everyone)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from vete import booking
from vete.api import reads
from vete.api.deps import ConnDep, CurrentUser, MaybeUser, TenantId

router = APIRouter(prefix="/api", tags=["clinics"])


@router.get("/clinics")
def list_clinics(_: MaybeUser, conn: ConnDep) -> list[reads.Clinic]:
    """Every clinic."""
    return reads.clinics(conn)


@router.get("/clinics/{tenant_id}")
def get_clinic(tenant_id: TenantId, _: MaybeUser, conn: ConnDep) -> reads.Clinic:
    """One clinic and its time zone."""
    return reads.require_clinic(conn, tenant_id=tenant_id)


@router.get("/clinics/{tenant_id}/services")
def list_services(tenant_id: TenantId, _: MaybeUser, conn: ConnDep) -> list[reads.Service]:
    """The clinic's active services (duration and buffer in minutes)."""
    reads.require_clinic(conn, tenant_id=tenant_id)
    return reads.services(conn, tenant_id=tenant_id)


@router.get("/clinics/{tenant_id}/vets")
def list_vets(tenant_id: TenantId, _: MaybeUser, conn: ConnDep) -> list[reads.Vet]:
    """The clinic's vets."""
    reads.require_clinic(conn, tenant_id=tenant_id)
    return reads.vets(conn, tenant_id=tenant_id)


@router.get("/clinics/{tenant_id}/products")
def list_products(tenant_id: TenantId, _: MaybeUser, conn: ConnDep) -> list[reads.Product]:
    """Products on sale with the units available now."""
    reads.require_clinic(conn, tenant_id=tenant_id)
    return reads.products(conn, tenant_id=tenant_id)


@router.get("/clinics/{tenant_id}/pets")
def list_my_pets(tenant_id: TenantId, _: CurrentUser, conn: ConnDep) -> list[reads.Pet]:
    """The caller's pets in the clinic."""
    return reads.my_pets(conn, tenant_id=tenant_id)


@router.get("/clinics/{tenant_id}/availability")
def availability(
    tenant_id: TenantId,
    day: Annotated[date, Query(description="The clinic's local date.")],
    service_id: UUID,
    _: MaybeUser,
    conn: ConnDep,
    vet_id: UUID | None = None,
) -> list[booking.Slot]:
    """Free slots of a clinic-local day for a service (one vet, or all)."""
    reads.require_clinic(conn, tenant_id=tenant_id)
    return booking.available_slots(
        conn, tenant_id=tenant_id, day=day, service_id=service_id, vet_id=vet_id
    )


@router.get("/me")
def me(_: CurrentUser, conn: ConnDep) -> list[reads.Membership]:
    """The clinics the caller belongs to, with their role in each."""
    return reads.my_memberships(conn)
