"""The state file round-trips, and the state lives in the repository's .devstack unless told otherwise."""

from pathlib import Path

from devstack.locations import find_repository_root, stack_home
from devstack.process_identity import ProcessIdentity
from devstack.state_store import ComponentKind, ComponentRecord, Session, SessionLease, StackState, StateStore


def test_the_state_file_round_trips(tmp_path: Path) -> None:
    process = ProcessIdentity(pid=42, start_ticks=1234, command_marker="/x/server.properties")
    state = StackState(
        components={
            "postgres": ComponentRecord("postgres", ComponentKind.POSTGRES, process, 15432, "/x/log", True)
        },
        leases=[SessionLease(Session(process, "token"), ["postgres"])],
    )
    store = StateStore(tmp_path)

    store.save(state)

    assert store.load() == state


def test_a_missing_state_file_is_an_empty_stack(tmp_path: Path) -> None:
    assert StateStore(tmp_path / "nowhere").load() == StackState()


def test_the_repository_root_is_the_nearest_parent_holding_git(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    nested = tmp_path / "services" / "pathway"
    nested.mkdir(parents=True)

    assert find_repository_root(nested) == tmp_path


def test_devstack_home_overrides_the_default_state_directory(tmp_path: Path) -> None:
    assert stack_home({"DEVSTACK_HOME": str(tmp_path)}) == tmp_path.resolve()
    assert stack_home({}).name == ".devstack"
