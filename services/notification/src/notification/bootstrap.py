"""The only place that wires settings → engine, broker and the timeline router, delivery channels and
the webhook dispatcher."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
from faststream.kafka import KafkaBroker
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from notification.adapters.address_guard import AddressGuard
from notification.adapters.email_deliveries import PostgresEmailDeliveries
from notification.adapters.email_notices import notice_of
from notification.adapters.http_sms_provider import HttpSmsProvider
from notification.adapters.owed_signal import listen_for_owed_forever
from notification.adapters.referral_contacts import ReferralContactClient
from notification.adapters.secret_encryption import WebhookSecretCipher
from notification.adapters.session_reminders import PostgresSessionReminders
from notification.adapters.smtp_mailer import SmtpMailer, SmtpServer
from notification.adapters.webhook_deliveries import PostgresWebhookDeliveries
from notification.adapters.webhook_sender import WebhookSender, open_webhook_sender
from notification.config import SERVICE_NAME, NotificationSettings
from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.messages import Message
from notification.domain.organisation_messages import message_to_organisation
from notification.domain.retry_schedule import RetrySchedule
from notification.domain.webhook_delivery import DeliveryStatus, WebhookDelivery
from notification.entrypoints.consumers import when_timeline_event_received_owe_its_deliveries
from notification.entrypoints.email_dispatcher import EmailDispatcher
from notification.entrypoints.reminder_dispatcher import ReminderDispatcher
from notification.entrypoints.webhook_dispatcher import WebhookDispatcher, utc_now
from notification.service.deliver_due_emails import EmailDispatch
from notification.service.deliver_due_webhooks import WebhookDispatch
from notification.service.send_due_reminders import ReminderDispatch
from service_kit.background_tasks import cancel_and_wait
from service_kit.broker import create_broker
from service_kit.database import create_database_engine, create_session_factory
from service_kit.dead_letters import DeadLetters
from service_kit.event_consumer import EventConsumer
from service_kit.http.idempotency import purge_expired_idempotency_keys_forever
from service_kit.metrics import ServiceMetrics
from service_kit.outbox_purge import purge_published_outbox_rows_forever
from service_kit.producer import EventProducer
from service_kit.subscriptions import subscribe


@dataclass(frozen=True)
class DeliveryChannels:
    webhooks: WebhookSender
    mailer: SmtpMailer
    sms: HttpSmsProvider
    contacts: ReferralContactClient


def smtp_server_of(settings: NotificationSettings) -> SmtpServer:
    return SmtpServer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_sender,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value(),
        timeout_seconds=settings.smtp_timeout_seconds,
        ca_file=settings.smtp_ca_file,
    )


@asynccontextmanager
async def open_delivery_channels(settings: NotificationSettings) -> AsyncIterator[DeliveryChannels]:
    """Webhooks go out through a session of their own, whose resolver refuses private addresses; the
    referral service and the SMS provider are operators' choices, reached through another."""
    async with (
        open_webhook_sender(
            AddressGuard(settings.webhook_allowed_networks),
            timeout_seconds=settings.webhook_timeout_seconds,
            concurrency_per_endpoint=settings.webhook_concurrency_per_endpoint,
        ) as webhooks,
        aiohttp.ClientSession(trust_env=False) as session,
    ):
        yield DeliveryChannels(
            webhooks=webhooks,
            mailer=SmtpMailer(smtp_server_of(settings)),
            sms=HttpSmsProvider(
                session,
                settings.sms_provider_url,
                settings.sms_provider_token.get_secret_value(),
                sender_name=settings.sms_sender_name,
                max_segments=settings.sms_max_segments,
                timeout_seconds=settings.sms_timeout_seconds,
            ),
            contacts=ReferralContactClient(
                session,
                settings.referral_internal_url,
                settings.referral_internal_service_token.get_secret_value(),
                timeout_seconds=settings.referral_timeout_seconds,
            ),
        )


def count_webhook_attempts(metrics: ServiceMetrics) -> Callable[[WebhookDelivery], None]:
    attempts = Counter(
        "webhook_attempts_total",
        "Webhook delivery attempts, by result (delivered, retry, given_up, endpoint_disabled).",
        ["result"],
        registry=metrics.registry,
    )

    def count(delivery: WebhookDelivery) -> None:
        pending = delivery.status is DeliveryStatus.PENDING
        attempts.labels(result="retry" if pending else delivery.status.value).inc()

    return count


def count_email_attempts(metrics: ServiceMetrics) -> Callable[[AttemptRecord], None]:
    attempts = Counter(
        "email_attempts_total",
        "E-mail delivery attempts to organisations' mailboxes, by result (delivered, retry, given_up).",
        ["result"],
        registry=metrics.registry,
    )
    return lambda attempt: attempts.labels(result=attempt.result).inc()


def count_reminder_attempts(metrics: ServiceMetrics) -> Callable[[AttemptRecord], None]:
    attempts = Counter(
        "session_reminder_attempts_total",
        "Session reminder attempts, by channel (sms, email) and result (delivered, retry, given_up).",
        ["channel", "result"],
        registry=metrics.registry,
    )
    return lambda attempt: attempts.labels(channel=attempt.channel.value, result=attempt.result).inc()


def organisation_email_renderer(settings: NotificationSettings) -> Callable[[bytes], Message]:
    time_zone = ZoneInfo(settings.time_zone)
    return lambda event_body: message_to_organisation(notice_of(event_body, time_zone))


def email_dispatcher_of(
    settings: NotificationSettings,
    session_factory: async_sessionmaker[AsyncSession],
    mailer: SmtpMailer,
    on_attempt: Callable[[AttemptRecord], None],
) -> EmailDispatcher:
    dispatch = EmailDispatch(
        deliveries=PostgresEmailDeliveries(session_factory),
        transport=mailer,
        render=organisation_email_renderer(settings),
        schedule=RetrySchedule(),
        batch_size=settings.email_batch_size,
        lease=timedelta(seconds=settings.email_lease_seconds),
        concurrency=settings.email_concurrency,
    )
    return EmailDispatcher(
        dispatch, interval_seconds=settings.email_dispatch_interval_seconds, on_attempt=on_attempt
    )


def reminder_dispatch_of(
    settings: NotificationSettings,
    session_factory: async_sessionmaker[AsyncSession],
    channels: DeliveryChannels,
) -> ReminderDispatch:
    return ReminderDispatch(
        reminders=PostgresSessionReminders(session_factory),
        contacts=channels.contacts,
        sms=channels.sms,
        mail=channels.mailer,
        schedule=RetrySchedule(),
        time_zone=ZoneInfo(settings.time_zone),
        batch_size=settings.reminder_batch_size,
        lease=timedelta(seconds=settings.reminder_lease_seconds),
        concurrency=settings.reminder_concurrency,
    )


@dataclass
class NotificationService:
    settings: NotificationSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    metrics: ServiceMetrics
    broker: KafkaBroker
    producer: EventProducer
    timeline_router: EventConsumer
    secret_cipher: WebhookSecretCipher
    channels: DeliveryChannels | None = None
    webhook_dispatcher: WebhookDispatcher | None = None
    email_dispatcher: EmailDispatcher | None = None
    reminder_dispatcher: ReminderDispatcher | None = None
    _resources: AsyncExitStack = field(default_factory=AsyncExitStack)
    _tasks: list["asyncio.Task[None]"] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._count_webhook_attempt = count_webhook_attempts(self.metrics)
        self._count_email_attempt = count_email_attempts(self.metrics)
        self._count_reminder_attempt = count_reminder_attempts(self.metrics)

    async def start(self) -> None:
        await self.producer.start()
        await self.broker.start()
        self.channels = await self._resources.enter_async_context(open_delivery_channels(self.settings))
        webhooks = WebhookDispatch(
            PostgresWebhookDeliveries(self.session_factory, self.secret_cipher),
            self.channels.webhooks,
            RetrySchedule(),
            lease=timedelta(seconds=self.settings.webhook_lease_seconds),
        )
        self.webhook_dispatcher = WebhookDispatcher(
            webhooks,
            interval_seconds=self.settings.webhook_dispatch_interval_seconds,
            batch_size=self.settings.webhook_batch_size,
            per_endpoint=self.settings.webhook_concurrency_per_endpoint,
            on_attempt=self._count_webhook_attempt,
        )
        self._tasks.append(asyncio.create_task(self.webhook_dispatcher.run(), name="webhook-dispatcher"))
        self.email_dispatcher = email_dispatcher_of(
            self.settings, self.session_factory, self.channels.mailer, self._count_email_attempt
        )
        self._tasks.append(asyncio.create_task(self.email_dispatcher.run(), name="email-dispatcher"))
        self.reminder_dispatcher = self.new_reminder_dispatcher()
        self._tasks.append(asyncio.create_task(self.reminder_dispatcher.run(), name="reminder-dispatcher"))
        listening = listen_for_owed_forever(self.settings.database_url, self._wake_dispatchers)
        self._tasks.append(asyncio.create_task(listening, name="owed-deliveries-listener"))
        purge = purge_expired_idempotency_keys_forever(
            self.session_factory, interval_seconds=self.settings.idempotency_purge_interval_seconds
        )
        self._tasks.append(asyncio.create_task(purge, name="idempotency-purge"))
        outbox_purge = purge_published_outbox_rows_forever(
            self.engine,
            older_than=timedelta(seconds=self.settings.outbox_published_retention_seconds),
            interval_seconds=self.settings.outbox_purge_interval_seconds,
        )
        self._tasks.append(asyncio.create_task(outbox_purge, name="outbox-purge"))

    def new_reminder_dispatcher(self, clock: Callable[[], datetime] = utc_now) -> ReminderDispatcher:
        """Tests take turns of their own with it, on a clock they move, counted as the service counts."""
        if self.channels is None:
            raise RuntimeError("the service must be started: reminders go through its delivery channels")
        return ReminderDispatcher(
            reminder_dispatch_of(self.settings, self.session_factory, self.channels),
            interval_seconds=self.settings.reminder_dispatch_interval_seconds,
            clock=clock,
            on_attempt=self._count_reminder_attempt,
        )

    def _wake_dispatchers(self) -> None:
        for dispatcher in (self.webhook_dispatcher, self.email_dispatcher):
            if dispatcher is not None:
                dispatcher.wake()

    async def stop(self) -> None:
        await self.broker.stop()
        await cancel_and_wait(self._tasks)
        await self._resources.aclose()
        self.channels = None
        await self.producer.stop()
        await self.engine.dispose()


def bootstrap(settings: NotificationSettings, *, timeline_topic: str | None = None) -> NotificationService:
    """`timeline_topic` replaces the region's (tests give each run a topic of its own)."""
    engine = create_database_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    metrics = ServiceMetrics()
    client_id = f"{SERVICE_NAME}-{settings.region}"
    producer = EventProducer(settings.kafka_bootstrap_servers, client_id=client_id)
    broker = create_broker(settings.kafka_bootstrap_servers, client_id=client_id)
    timeline_router = EventConsumer(
        name=settings.timeline_router_group,
        handler=when_timeline_event_received_owe_its_deliveries(time_zone=ZoneInfo(settings.time_zone)),
        session_factory=session_factory,
        dead_letters=DeadLetters(producer, metrics),
        metrics=metrics,
    )
    subscribe(broker, timeline_router, topics=[timeline_topic or settings.topics.pathway_timeline])
    return NotificationService(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        metrics=metrics,
        broker=broker,
        producer=producer,
        timeline_router=timeline_router,
        secret_cipher=WebhookSecretCipher(settings.secrets_encryption_key_list),
    )
