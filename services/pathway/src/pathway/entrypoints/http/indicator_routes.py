"""Regional coordinators read the region's aggregated indicators, never a person: counts of persons by
stage, by workshop operator, by barrier and by alert, with small counts withheld (DOMAIN.md)."""

from typing import Annotated, Final

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pathway.adapters.indicator_reads import SqlIndicatorReads
from pathway.adapters.oidc_tokens import OidcTokenVerifier
from pathway.adapters.organisation_repository import SqlOrganisations
from pathway.domain.caseworkers import Caseworker
from pathway.domain.indicators import INDICATOR_ROLE, IndicatorAccess
from pathway.entrypoints.http.caseworker_auth import require_caseworker
from pathway.entrypoints.http.indicator_schemas import RegionIndicatorsOut
from pathway.entrypoints.http.problems import problem_responses
from pathway.service.read_indicators import read_indicators
from service_kit.http.problems import Problem, ProblemError, problem_type

_REFUSALS: Final = {
    IndicatorAccess.NOT_A_COORDINATOR: (
        "not-a-coordinator",
        "Only regional coordinators read the indicators",
        f"The token does not give the {INDICATOR_ROLE} role.",
    ),
    IndicatorAccess.NOT_THIS_REGION: (
        "not-this-regions-coordinator",
        "The organisation is not a coordinator of this region",
        "This region's deployment shows its indicators to the coordinators it registered, and yours is not "
        "one of them.",
    ),
}
_RESPONSES: Final = problem_responses(
    {
        401: "No bearer token, or one that is expired, not for this API or not signed by the provider.",
        403: "The token lacks the regional coordinator's role, or its organisation is not this region's "
        "coordinator: `type` says which.",
        503: "The identity provider's keys are out of reach, or caseworker sign-in is not configured.",
    }
)


def indicator_routes(
    sessions: async_sessionmaker[AsyncSession],
    verifier: OidcTokenVerifier | None,
    *,
    region: str,
    minimum_cell_size: int,
) -> APIRouter:
    router = APIRouter(tags=["coordinators"], responses=_RESPONSES)
    Coordinator = Annotated[Caseworker, Depends(require_caseworker(verifier))]  # noqa: N806 - a type

    @router.get("/indicators", response_model=RegionIndicatorsOut)
    async def indicators(coordinator: Coordinator) -> RegionIndicatorsOut:
        """Persons of the region counted by stage, by stage for each workshop operator of their care teams,
        by barrier category and status, and by alert raised. A count of fewer than `minimum_cell_size`
        persons, or one that could be found again from a total and the other counts, is null."""
        async with sessions() as session, session.begin():
            found = await read_indicators(
                coordinator,
                reads=SqlIndicatorReads(session),
                organisations=SqlOrganisations(session),
                minimum_cell_size=minimum_cell_size,
            )
        if isinstance(found, IndicatorAccess):
            raise _refused(found)
        return RegionIndicatorsOut.of(region, found)

    return router


def _refused(access: IndicatorAccess) -> ProblemError:
    slug, title, detail = _REFUSALS[access]
    return ProblemError(Problem(type=problem_type(slug), title=title, status=403, detail=detail))
