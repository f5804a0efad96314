"""The referral service's tables; migrations are generated from this metadata."""

from sqlalchemy import MetaData

from service_kit.messaging_tables import define_inbox_table, define_outbox_table

metadata = MetaData()

outbox = define_outbox_table(metadata)
inbox = define_inbox_table(metadata)
