"""Shared by the pack's Python tests. tests/st2_pack.rs runs them with the real k8s-pack binary
and HTTPS servers on 127.0.0.1 it started, and passes them through the environment: the pack
(PACK_DIR), the binary (K8S_PACK), the kubeconfig of the servers (KUBECONFIG_PATH, and
ACTIONS_KUBECONFIG_PATH when actions go to another server than the sensors)."""

import os
import time

import psutil

from st2common.content.loader import MetaLoader
from st2common.runners.base_action import Action
from st2common.util import concurrency
from st2common.util import schema as util_schema
from st2common.util.loader import register_plugin, register_plugin_class
from st2reactor.sensor.base import Sensor

PACK_DIR = os.environ["PACK_DIR"]
K8S_PACK = os.environ["K8S_PACK"]
KUBECONFIG = os.environ["KUBECONFIG_PATH"]
ACTIONS_KUBECONFIG = os.environ.get("ACTIONS_KUBECONFIG_PATH", KUBECONFIG)


def metadata(path):
    """A metadata file of the pack, read by StackStorm's loader."""
    return MetaLoader().load(os.path.join(PACK_DIR, path))


def pack_name():
    return metadata("pack.yaml")["ref"]


def sensor_class(trigger):
    """The sensor class of sensors/<trigger>.yaml, loaded as the sensor container loads it."""
    meta = metadata("sensors/%s.yaml" % trigger)
    path = os.path.join(PACK_DIR, "sensors", meta["entry_point"])
    return register_plugin_class(Sensor, path, meta["class_name"])


def action_class(name):
    """The class of an action's entry point, loaded as the python-script runner loads it."""
    meta = metadata("actions/%s.yaml" % name)
    classes = register_plugin(Action, os.path.join(PACK_DIR, "actions", meta["entry_point"]))
    assert len(classes) == 1, classes
    return classes[0]


def config(**settings):
    """A pack config for the test servers, with `settings` on top."""
    base = {"k8s_pack": K8S_PACK, "kubeconfig": KUBECONFIG}
    base.update(settings)
    return base


def validate_payload(trigger, payload):
    """Validates a payload against its trigger type's schema as StackStorm does on dispatch."""
    meta = metadata("sensors/%s.yaml" % trigger)
    schema = meta["trigger_types"][0]["payload_schema"]
    util_schema.validate(
        instance=payload, schema=schema, cls=util_schema.CustomValidator, use_default=True, allow_default_none=True
    )


def wait_until(condition, what, timeout=30.0):
    """Yields to the sensor's green threads until `condition()` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        concurrency.sleep(0.05)


def children():
    """The k8s-pack processes this test started."""
    return [p for p in psutil.Process().children(recursive=True) if p.name() == os.path.basename(K8S_PACK)]
