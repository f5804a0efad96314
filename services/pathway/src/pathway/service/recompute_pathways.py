"""Use case: recompute the stored state of a batch of pathways from their timelines (after a
migration, or once the rules that fold a timeline change). Nothing is published: the timeline is
unchanged, only the state stored beside it is rebuilt."""

from pathway.service.ports import Pathways


async def recompute_pathways(pathways: Pathways, *, after: str | None, batch_size: int) -> list[str]:
    """The persons recomputed, in id order; pass the last as `after` for the next batch."""
    person_ids = await pathways.person_ids_after(after, batch_size)
    for person_id in person_ids:
        await pathways.save(await pathways.load_for_update(person_id), [])
    return person_ids
