"""The referral service's domain in pure Python: the referral lifecycle, workshops with their sessions and
waiting lists, the person supported and their care team. No I/O, no framework, no contract imports."""
