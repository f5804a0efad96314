"""The Kafka broker's classpath, fetched from Maven Central with Maven and cached between runs."""

import fcntl
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from devstack.errors import DevstackError

KAFKA_VERSION = "4.1.1"
SCALA_BINARY_VERSION = "2.13"
LOG4J_VERSION = "2.24.3"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"
_COMPLETE_MARKER = "COMPLETE"


class KafkaFetchError(DevstackError):
    pass


@dataclass(frozen=True)
class KafkaDistribution:
    version: str
    directory: Path
    fetch_seconds: float | None

    @property
    def libraries(self) -> Path:
        return self.directory / "libs"

    @property
    def classpath(self) -> str:
        return str(self.libraries / "*")

    @property
    def log4j_configuration(self) -> Path:
        return self.directory / "log4j2.properties"

    @property
    def class_archive(self) -> Path:
        return self.directory / "broker-classes.jsa"


def render_classpath_pom(kafka_version: str, log4j_version: str) -> str:
    dependencies = [
        ("org.apache.kafka", f"kafka_{SCALA_BINARY_VERSION}", kafka_version),
        ("org.apache.logging.log4j", "log4j-core", log4j_version),
        ("org.apache.logging.log4j", "log4j-slf4j-impl", log4j_version),
    ]
    dependency_elements = "\n".join(
        f"    <dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
        f"<version>{version}</version></dependency>"
        for group, artifact, version in dependencies
    )
    return f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.premiere-marche.devstack</groupId>
  <artifactId>kafka-broker-classpath</artifactId>
  <version>{kafka_version}</version>
  <packaging>pom</packaging>
  <dependencies>
{dependency_elements}
  </dependencies>
</project>
"""


LOG4J2_PROPERTIES = """\
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = WARN
"""


def is_complete(directory: Path) -> bool:
    return (directory / _COMPLETE_MARKER).exists() and any((directory / "libs").glob("kafka_*.jar"))


def ensure_kafka_distribution(cache_root: Path, kafka_version: str = KAFKA_VERSION) -> KafkaDistribution:
    directory = cache_root / f"kafka-{kafka_version}"
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".fetch.lock").open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        if is_complete(directory):
            return KafkaDistribution(kafka_version, directory, fetch_seconds=None)
        started = time.monotonic()
        _fetch(directory, kafka_version)
        return KafkaDistribution(kafka_version, directory, fetch_seconds=time.monotonic() - started)


def _fetch(directory: Path, kafka_version: str) -> None:
    maven = shutil.which("mvn")
    if maven is None:
        raise KafkaFetchError("Maven (mvn) is not on PATH; it is needed once to fetch the Kafka jars")
    (directory / "pom.xml").write_text(render_classpath_pom(kafka_version, LOG4J_VERSION))
    (directory / "log4j2.properties").write_text(LOG4J2_PROPERTIES)
    partial = directory / "libs.partial"
    shutil.rmtree(partial, ignore_errors=True)
    completed = subprocess.run(
        [
            maven,
            "-B",
            "-q",
            "-f",
            str(directory / "pom.xml"),
            DEPENDENCY_PLUGIN,
            f"-DoutputDirectory={partial}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise KafkaFetchError(
            f"fetching Kafka {kafka_version} failed:\n{completed.stdout}\n{completed.stderr}"
        )
    shutil.rmtree(directory / "libs", ignore_errors=True)
    partial.rename(directory / "libs")
    (directory / _COMPLETE_MARKER).write_text(
        "\n".join(sorted(jar.name for jar in (directory / "libs").glob("*.jar"))) + "\n"
    )
