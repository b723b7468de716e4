"""The base of every sensor of the pack: `k8s-pack sense` as a child process.

The child prints one JSON trigger payload per line; each is dispatched as it comes. With
--checkpoints it also prints {"checkpoint": RV, "resource": NAME} once every change of the
resource up to RV is printed: that resourceVersion goes to the datastore (for the custom resource
sensor, one per resource), and a sensor started again (the child died, the sensor container
restarted) resumes from it (--resume-from, --resume-resource) instead of listing everything
anew. A child that ends is started again after a delay that doubles up to a cap. cleanup()
stops it.
"""

import json
import random
import subprocess
import time

from st2common.util import concurrency
from st2reactor.sensor.base import Sensor

from k8s_pack_cli import K8sPack

# The datastore key (local to the sensor's class) of the resourceVersion to resume from.
RESUME_KEY = "resume_from"


class K8sPackSensor(Sensor):
    # The `k8s-pack sense` name (`core/v1/secrets`); None follows custom resources instead.
    SENSOR = None
    # The trigger reference: `pack.trigger`.
    TRIGGER = None
    # Whether the resource lives in namespaces: only then may sensor_namespace narrow it.
    NAMESPACED = True
    # Restart delays in seconds: the first, and the cap.
    FIRST_DELAY = 1.0
    MAX_DELAY = 60.0
    # A child that ran this long was healthy: the next restart waits the first delay again.
    HEALTHY_AFTER = 60.0

    def __init__(self, sensor_service, config=None):
        super(K8sPackSensor, self).__init__(sensor_service=sensor_service, config=config)
        self._logger = self.sensor_service.get_logger(name=self.__class__.__name__)
        self._process = None
        self._stopping = False
        self._failures = 0
        # The custom resource sensor's resume points, by resource.
        self._points = {}

    def setup(self):
        pass

    def run(self):
        while not self._stopping:
            started = time.monotonic()
            reason = self._run_child()
            if self._stopping:
                break
            if time.monotonic() - started >= self.HEALTHY_AFTER:
                self._failures = 0
            delay = min(self.MAX_DELAY, self.FIRST_DELAY * 2 ** self._failures) * random.uniform(0.5, 1.0)
            self._failures += 1
            self._logger.warning("k8s-pack sense ended (%s); starting it again in %.1f s", reason, delay)
            self._sleep(delay)

    def cleanup(self):
        self._stopping = True
        process = self._process
        if process is not None and process.poll() is None:
            # SIGTERM: k8s-pack ends its watch and exits 0.
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def add_trigger(self, trigger):
        pass

    def update_trigger(self, trigger):
        pass

    def remove_trigger(self, trigger):
        pass

    def _run_child(self):
        """Runs `k8s-pack sense` until it ends; why it ended."""
        with K8sPack(self.config) as k8s:
            namespace = self.config.get("sensor_namespace") if self.NAMESPACED else None
            command = k8s.command("sense", *self._sense_args(), namespace=namespace)
            try:
                process = concurrency.subprocess_popen(
                    command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
                )
            except OSError as e:
                return "cannot run %s: %s" % (command[0], e.strerror or e)
            self._process = process
            if self._stopping:
                process.terminate()
            errors = concurrency.spawn(self._log_stderr, process.stderr)
            for line in process.stdout:
                self._handle(line)
            code = process.wait()
            concurrency.wait(errors)
            self._process = None
        return "exit code %s" % code

    def _sense_args(self):
        saved = self._saved()
        if self.SENSOR is None:
            args = ["--custom-resources", "--checkpoints"]
            for group in self.config.get("custom_resource_groups") or []:
                args += ["--group", group]
            for kind in self.config.get("custom_resource_kinds") or []:
                args += ["--kind", kind]
            for resource, resource_version in sorted(self._resume_points(saved).items()):
                args += ["--resume-resource", "%s=%s" % (resource, resource_version)]
        else:
            args = [self.SENSOR, "--checkpoints"]
            if saved:
                args += ["--resume-from", saved]
        if self.config.get("include_secrets"):
            args.append("--include-secrets")
        return args

    def _resume_points(self, saved):
        """The custom resource sensor saves a resourceVersion per resource, as a JSON object."""
        try:
            points = json.loads(saved) if saved else {}
        except ValueError:
            points = {}
        self._points = points if isinstance(points, dict) else {}
        return self._points

    def _handle(self, line):
        try:
            message = json.loads(line.decode("utf-8"))
        except ValueError:
            # Never logged as it is: a payload may hold Secret data.
            self._logger.warning("k8s-pack sense printed a line that is not JSON; skipped")
            return
        if not isinstance(message, dict):
            self._logger.warning("k8s-pack sense printed a line that is not a JSON object; skipped")
        elif "checkpoint" in message:
            if self.SENSOR is None:
                self._points[message["resource"]] = message["checkpoint"]
                self._save(json.dumps(self._points, sort_keys=True))
            else:
                self._save(message["checkpoint"])
        else:
            self.sensor_service.dispatch(trigger=self.TRIGGER, payload=message)

    def _log_stderr(self, stream):
        for line in stream:
            text = line.decode("utf-8", "replace").rstrip()
            if text.startswith("error: "):
                self._logger.warning("k8s-pack: %s", text)
            elif text:
                self._logger.info("k8s-pack: %s", text)

    def _saved(self):
        try:
            return self.sensor_service.get_value(name=RESUME_KEY, local=True)
        except Exception as e:
            self._logger.warning("cannot read the saved resourceVersion (%s); listing instead", e)
            return None

    def _save(self, value):
        try:
            self.sensor_service.set_value(name=RESUME_KEY, value=value, local=True)
        except Exception as e:
            self._logger.warning("cannot save the resourceVersion to resume from (%s)", e)

    def _sleep(self, seconds):
        """Waits, waking at once when cleanup() is called."""
        deadline = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < deadline:
            concurrency.sleep(max(0.0, min(0.1, deadline - time.monotonic())))
