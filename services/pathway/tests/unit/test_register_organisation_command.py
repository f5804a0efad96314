from uuid import uuid4

import pytest

from pathway.entrypoints.cli import main


@pytest.mark.parametrize(
    "arguments",
    [
        ["--kind", "support_partner", "--may-emit", "barrier.*"],
        ["--id", "acme", "--kind", "support_partner"],
        ["--id", str(uuid4()), "--kind", "bakery", "--may-emit", "barrier.*"],
        ["--id", str(uuid4()), "--kind", "support_partner", "--may-emit", "fr.premiere-marche.barrier.*"],
        ["--id", str(uuid4()), "--kind", "support_partner", "--may-emit", "*"],
    ],
)
def test_the_command_refuses_what_is_not_an_organisation_and_its_rights_before_touching_the_database(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["register-organisation", *arguments])

    assert exit_.value.code == 2
    assert "usage: pathway register-organisation" in capsys.readouterr().err
