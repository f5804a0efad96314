"""Referrals, workshops, sessions and waiting lists as pure Python; they arrive with the referral issues."""
