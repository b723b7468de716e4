"""The pack's sensors under StackStorm's own harness (BaseSensorTestCase: a sensor service that
records dispatched triggers and keeps a datastore), each running the real `k8s-pack sense`
against the scripted list+watch server tests/st2_pack.rs started for that test."""

# First: it monkey-patches with eventlet, as the sensor container does before loading a sensor.
from st2tests.base import BaseSensorTestCase

import json
import os
import signal
from types import SimpleNamespace

from st2common.util import concurrency
from st2common.util import param as param_utils
from st2reactor.rules.filter import RuleFilter

import harness

SECRET_VALUE = "aHVudGVyMg=="


class Running(object):
    """A sensor's run() in a green thread, as the sensor container runs it."""

    def __init__(self, test, **settings):
        self.sensor = test.get_sensor_instance(config=harness.config(**settings))
        self.sensor.setup()
        self.thread = concurrency.spawn(self.sensor.run)
        test.addCleanup(self.stop)

    def stop(self):
        if self.thread is not None:
            self.sensor.cleanup()
            concurrency.wait(self.thread)
            self.thread = None


class SensorTestCase(BaseSensorTestCase):
    trigger = None

    def triggers(self):
        return [(t["payload"]["event"], t["payload"]["name"], t["payload"]["resource_version"])
                for t in self.get_dispatched_triggers()]

    def saved(self):
        return self.sensor_service.get_value(name="resume_from", local=True)

    def wait_for(self, count):
        harness.wait_until(lambda: len(self.get_dispatched_triggers()) >= count, "%d triggers" % count)

    def check_dispatched(self):
        """Every trigger is the sensor's trigger type and its payload fits the type's schema."""
        for item in self.get_dispatched_triggers():
            self.assertEqual(item["trigger"], "%s.%s" % (harness.pack_name(), self.trigger))
            harness.validate_payload(self.trigger, item["payload"])

    def quiet(self, count):
        """Nothing more comes for a moment: no trigger invented or repeated."""
        concurrency.sleep(0.5)
        self.assertEqual(len(self.get_dispatched_triggers()), count, self.triggers())


class SecretsSensorTest(SensorTestCase):
    trigger = "core_v1_secrets"
    sensor_cls = harness.sensor_class("core_v1_secrets")

    def test_list_then_watch(self):
        running = Running(self, sensor_namespace="team-a")
        self.wait_for(5)
        harness.wait_until(lambda: self.saved() == "8", "the resourceVersion saved")
        self.quiet(5)
        self.assertEqual(self.triggers(), [
            ("ADDED", "api", "4"), ("ADDED", "db", "3"),
            ("ADDED", "cache", "6"), ("MODIFIED", "db", "7"), ("DELETED", "api", "8"),
        ])
        self.check_dispatched()
        first = self.get_dispatched_triggers()[1]["payload"]
        self.assertEqual((first["namespace"], first["labels"], first["object_kind"]), ("team-a", {"app": "web"}, "Secret"))
        # Secret data is left out without include_secrets, everywhere.
        self.assertNotIn("data", first["object"])
        self.assertNotIn(SECRET_VALUE, json.dumps(self.get_dispatched_triggers()))
        # cleanup() stops the child and run() returns.
        self.assertEqual(len(harness.children()), 1)
        running.stop()
        self.assertEqual(harness.children(), [])

    def test_include_secrets(self):
        Running(self, sensor_namespace="team-a", include_secrets=True)
        self.wait_for(1)
        self.quiet(1)
        self.check_dispatched()
        self.assertEqual(self.get_dispatched_triggers()[0]["payload"]["object"]["data"], {"password": SECRET_VALUE})

    def test_resumes_from_the_saved_resource_version(self):
        self.sensor_service.set_value(name="resume_from", value="120", local=True)
        Running(self, sensor_namespace="team-a")
        self.wait_for(2)
        harness.wait_until(lambda: self.saved() == "122", "the resourceVersion saved")
        self.quiet(2)
        self.assertEqual(self.triggers(), [("MODIFIED", "db", "121"), ("ADDED", "cache", "122")])
        self.check_dispatched()

    def test_survives_the_child_being_killed(self):
        Running(self, sensor_namespace="team-a")
        self.wait_for(2)
        harness.wait_until(lambda: self.saved() == "6", "the resourceVersion saved")
        [child] = harness.children()
        os.kill(child.pid, signal.SIGKILL)
        # Started again after its backoff, it resumes from "6": the next change, and no other.
        self.wait_for(3)
        harness.wait_until(lambda: self.saved() == "7", "the resourceVersion saved")
        self.quiet(3)
        self.assertEqual(self.triggers(), [("ADDED", "db", "3"), ("MODIFIED", "db", "6"), ("MODIFIED", "db", "7")])
        [restarted] = harness.children()
        self.assertNotEqual(restarted.pid, child.pid)
        self.check_dispatched()


class CustomResourceSensorTest(SensorTestCase):
    trigger = "custom_resource"
    sensor_cls = harness.sensor_class("custom_resource")

    def test_mysqldb_added_runs_the_example_rule(self):
        Running(self, sensor_namespace="default", custom_resource_groups=["example.com"])
        self.wait_for(2)
        self.quiet(2)
        self.assertEqual(self.triggers(), [("ADDED", "orders", "29"), ("MODIFIED", "orders", "31")])
        self.check_dispatched()
        added, modified = [t["payload"] for t in self.get_dispatched_triggers()]
        self.assertEqual((added["object_kind"], added["resource"]), ("MysqlDb", "example.com/v1/mysqldbs"))

        # The example rule, by StackStorm's own rule filter and parameter rendering.
        rule = harness.metadata("rules/mysqldb_added.yaml")
        self.assertEqual(rule["trigger"]["type"], "%s.%s" % (harness.pack_name(), self.trigger))
        enabled = SimpleNamespace(enabled=True, criteria=rule["criteria"], ref=rule["name"], id=rule["name"])

        def matches(payload):
            return RuleFilter(SimpleNamespace(payload=payload), {"name": self.trigger}, enabled).filter()

        self.assertEqual((matches(added), matches(modified)), (True, False))
        pack, action_name = rule["action"]["ref"].split(".", 1)
        self.assertEqual(pack, harness.pack_name())
        action_meta = harness.metadata("actions/%s.yaml" % action_name)
        context = {"user": "stanley", "pack": pack}
        params = param_utils.render_live_params(
            {}, action_meta["parameters"], rule["action"]["parameters"], context, {"trigger": added}
        )
        params["k8s_action"] = action_meta["parameters"]["k8s_action"]["default"]
        action = harness.action_class(action_name)(config=harness.config(kubeconfig=harness.ACTIONS_KUBECONFIG))
        ok, result = action.run(**params)
        self.assertTrue(ok, result)
        self.assertEqual(result["status_code"], 201)
        self.assertEqual(result["data"]["metadata"]["name"], "mysqldb-orders")
        self.assertEqual(result["data"]["data"], {"database": "default/orders", "uid": "u-orders"})

    def test_resumes_each_custom_resource_after_the_child_is_killed(self):
        Running(self, sensor_namespace="default", custom_resource_groups=["example.com"])
        self.wait_for(2)
        saved = json.dumps({"example.com/v1/mysqldbs": "31"})
        harness.wait_until(lambda: self.saved() == saved, "the resume points saved")
        [child] = harness.children()
        os.kill(child.pid, signal.SIGKILL)
        # Started again, it resumes the MysqlDb watch where it was: no ADDED again for `orders`.
        self.wait_for(3)
        self.quiet(3)
        self.assertEqual(
            self.triggers(), [("ADDED", "orders", "29"), ("MODIFIED", "orders", "31"), ("MODIFIED", "orders", "32")]
        )
        self.check_dispatched()
