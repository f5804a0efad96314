from event_contracts.catalogue import EVENT_MODELS
from event_contracts.catalogue.codes import AlertKind, BarrierStatus, PathwayStage
from pathway.domain import event_types
from pathway.domain.alerts import BLOCKING_BARRIER
from pathway.domain.event_types import EVENT_TYPE_PREFIX
from pathway.domain.pathway_state import BarrierStatus as DomainBarrierStatus
from pathway.domain.stages import Stage


def test_every_event_name_the_domain_reacts_to_is_in_the_catalogue() -> None:
    constants = {name: value for name, value in vars(event_types).items() if name.isupper()}
    names = [value for value in constants.values() if isinstance(value, str) and value != EVENT_TYPE_PREFIX]
    names += list(event_types.REFERRAL_ENDINGS)

    assert len(names) > 20
    assert [name for name in names if EVENT_TYPE_PREFIX + name not in EVENT_MODELS] == []


def test_stages_statuses_and_alert_kinds_are_spelled_as_in_the_contracts() -> None:
    assert {stage.value for stage in Stage} == {stage.value for stage in PathwayStage}
    assert {status.value for status in DomainBarrierStatus} == {status.value for status in BarrierStatus}
    assert BLOCKING_BARRIER == AlertKind.BLOCKING_BARRIER
