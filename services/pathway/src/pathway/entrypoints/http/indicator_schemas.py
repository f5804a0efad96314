"""What regional coordinators read: counts of persons, where null means withheld."""

from collections.abc import Mapping
from typing import Any, Final

from pydantic import BaseModel, Field

from pathway.domain.indicators import OperatorIndicators, RegionIndicators
from pathway.domain.stages import Stage

WITHHELD: Final = (
    "Persons; null when withheld: fewer than `minimum_cell_size` (but not none), or hidden so that another "
    "withheld count cannot be found again from a total."
)


def _count(description: str = WITHHELD) -> Any:
    return Field(description=description)


class StageCountsOut(BaseModel):
    referred: int | None = _count()
    in_workshop: int | None = _count()
    barriers_work: int | None = _count()
    in_training: int | None = _count()
    employed: int | None = _count()
    exited: int | None = _count()

    @classmethod
    def of(cls, counts: Mapping[Stage, int | None]) -> "StageCountsOut":
        return cls(**{str(stage): count for stage, count in counts.items()})


class OperatorIndicatorsOut(BaseModel):
    organisation_id: str = Field(description="A workshop operator in the persons' care teams.")
    persons: int | None = _count()
    by_stage: StageCountsOut

    @classmethod
    def of(cls, operator: OperatorIndicators) -> "OperatorIndicatorsOut":
        return cls(
            organisation_id=operator.operator_id,
            persons=operator.persons,
            by_stage=StageCountsOut.of(operator.by_stage),
        )


class BarrierCountOut(BaseModel):
    category: str
    status: str
    persons: int | None = _count("Persons with a barrier of this category now in this status. " + WITHHELD)


class AlertCountOut(BaseModel):
    kind: str
    persons: int | None = _count("Persons for whom this alert was raised. " + WITHHELD)


class RegionIndicatorsOut(BaseModel):
    region: str
    minimum_cell_size: int = Field(description="The fewest persons a published count may be, but for 0.")
    persons: int | None = _count("Persons with a pathway (referred at least once). " + WITHHELD)
    by_stage: StageCountsOut
    by_operator: list[OperatorIndicatorsOut]
    barriers: list[BarrierCountOut]
    alerts: list[AlertCountOut]

    @classmethod
    def of(cls, region: str, indicators: RegionIndicators) -> "RegionIndicatorsOut":
        return cls(
            region=region,
            minimum_cell_size=indicators.minimum_cell_size,
            persons=indicators.persons,
            by_stage=StageCountsOut.of(indicators.by_stage),
            by_operator=[OperatorIndicatorsOut.of(operator) for operator in indicators.by_operator],
            barriers=[
                BarrierCountOut(category=category, status=str(status), persons=persons)
                for (category, status), persons in indicators.by_barrier.items()
            ],
            alerts=[
                AlertCountOut(kind=kind, persons=persons) for kind, persons in indicators.by_alert.items()
            ],
        )
