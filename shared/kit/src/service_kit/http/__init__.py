"""What every partner-facing HTTP API shares: problem documents, body limits, API keys, idempotent POSTs."""
