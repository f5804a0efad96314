"""Use case: a regional coordinator reads the region's aggregated indicators, small counts withheld."""

from event_contracts.catalogue.codes import AlertKind, BarrierCategory
from pathway.domain.caseworkers import Caseworker
from pathway.domain.indicators import IndicatorAccess, RegionIndicators, indicator_access, region_indicators
from pathway.service.ports import IndicatorReads, Senders


async def read_indicators(
    coordinator: Caseworker, *, reads: IndicatorReads, organisations: Senders, minimum_cell_size: int
) -> RegionIndicators | IndicatorAccess:
    """The indicators, or why the caller may not read them."""
    organisation = await organisations.get(coordinator.organisation_id)
    access = indicator_access(coordinator, None if organisation is None else organisation.kind)
    if access is not IndicatorAccess.GRANTED:
        return access
    return region_indicators(
        await reads.region_counts(),
        minimum_cell_size,
        barrier_categories=[category.value for category in BarrierCategory],
        alert_kinds=[kind.value for kind in AlertKind],
    )
