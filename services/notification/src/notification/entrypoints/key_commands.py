"""`notification issue-key --organisation <uuid> [--scopes subscriptions:manage]` prints a new API key
once; `notification revoke-key --key-id <id>` revokes one."""

from notification.config import SERVICE_NAME, NotificationSettings
from notification.entrypoints.http.scopes import ALL_SCOPES, MANAGE_SUBSCRIPTIONS
from service_kit.api_key_commands import ISSUE_KEY, REVOKE_KEY, ApiKeyCommands

__all__ = ["ISSUE_KEY", "REVOKE_KEY", "run_issue_key", "run_revoke_key"]

_COMMANDS = ApiKeyCommands(
    SERVICE_NAME,
    lambda: NotificationSettings().database_url,
    scopes=ALL_SCOPES,
    default_scopes=[MANAGE_SUBSCRIPTIONS],
)
run_issue_key = _COMMANDS.run_issue_key
run_revoke_key = _COMMANDS.run_revoke_key
