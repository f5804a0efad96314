"""One use case per module (submit a referral, accept it, …); they arrive with the referral issues."""
