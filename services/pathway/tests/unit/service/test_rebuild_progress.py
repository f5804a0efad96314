"""A rebuild's progress: offsets reached against the end offsets taken at its start, and its rate."""

from pathway.service.rebuild_progress import RebuildProgress

REFERRALS, PARTNERS = ("referrals", 0), ("partners", 0)


def progress() -> RebuildProgress:
    return RebuildProgress(beginning={REFERRALS: 0, PARTNERS: 5}, end={REFERRALS: 4, PARTNERS: 7})


def test_offsets_reached_count_against_the_end_offsets_taken_at_the_start() -> None:
    rebuild = progress()
    rebuild.finished(REFERRALS, 0)
    rebuild.finished(REFERRALS, 1)
    rebuild.finished(PARTNERS, 5)

    report = rebuild.report(now=10.0)

    assert (report.done, report.total, report.caught_up) == (3, 6, False)
    assert report.line(2) == "generation 2: 3 / 6 offsets (50.0 %), 0 events/s"


def test_caught_up_once_every_partition_reaches_its_end_offset_and_records_past_it_count_for_the_rate() -> (
    None
):
    rebuild = progress()
    rebuild.report(now=0.0)
    for offset in range(4):
        rebuild.finished(REFERRALS, offset)
    rebuild.finished(PARTNERS, 6)
    rebuild.finished(PARTNERS, 7)

    report = rebuild.report(now=2.0)

    assert (report.done, report.total, report.caught_up, report.percent) == (6, 6, True, 100.0)
    assert report.events_per_second == 3.0


def test_topics_with_nothing_to_replay_are_caught_up_from_the_start() -> None:
    empty = RebuildProgress(beginning={REFERRALS: 3}, end={REFERRALS: 3})

    assert empty.caught_up()
    assert empty.report(now=0.0).percent == 100.0
