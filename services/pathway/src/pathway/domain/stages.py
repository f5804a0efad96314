"""How each event moves a person's pathway stage: referred → in_workshop → barriers_work → in_training
→ employed | exited."""

from enum import StrEnum

from pathway.domain import event_types as types


class Stage(StrEnum):
    REFERRED = "referred"
    IN_WORKSHOP = "in_workshop"
    BARRIERS_WORK = "barriers_work"
    IN_TRAINING = "in_training"
    EMPLOYED = "employed"
    EXITED = "exited"


_ALWAYS_MOVES_TO: dict[str, Stage] = {
    types.REFERRAL_STARTED: Stage.IN_WORKSHOP,
    types.REFERRAL_RESUMED: Stage.IN_WORKSHOP,
    types.REFERRAL_PAUSED: Stage.BARRIERS_WORK,
    types.REFERRAL_COMPLETED: Stage.BARRIERS_WORK,
    types.TRAINING_ENTERED: Stage.IN_TRAINING,
    types.TRAINING_ABANDONED: Stage.BARRIERS_WORK,
    types.EMPLOYMENT_STARTED: Stage.EMPLOYED,
    types.EMPLOYMENT_ENDED: Stage.EXITED,
}
_NOT_YET_BEYOND_THE_WORKSHOP = frozenset({Stage.REFERRED, Stage.IN_WORKSHOP})


def stage_after(stage: Stage | None, name: str) -> Stage | None:
    """The stage once the event named `name` has happened at `stage`."""
    if name in _ALWAYS_MOVES_TO:
        return _ALWAYS_MOVES_TO[name]
    if name == types.REFERRAL_SENT and stage in (None, Stage.EXITED):
        return Stage.REFERRED
    if name == types.BARRIER_ACTION_STARTED and stage is Stage.REFERRED:
        return Stage.BARRIERS_WORK
    # A referral that ends before the workshop ends the pathway; once past the workshop, it is history.
    if name in types.REFERRAL_ENDINGS and stage in _NOT_YET_BEYOND_THE_WORKSHOP:
        return Stage.EXITED
    return stage
