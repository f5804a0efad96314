"""One use case per module (deliver a webhook, send an e-mail, …); they arrive with later issues."""
