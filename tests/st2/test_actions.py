"""The pack's action runner under StackStorm's own harness (BaseActionTestCase), running the real
`k8s-pack run` against the recording HTTPS server tests/st2_pack.rs started; that test then
checks what the server received (and that invalid parameters sent nothing)."""

from st2tests.base import BaseActionTestCase

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile

from st2common.constants.action import ACTION_OUTPUT_RESULT_DELIMITER

import harness

PASSWORD = "hunter2-not-on-the-command-line"


def secret(name):
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "stringData": {"password": PASSWORD}}


class ActionTest(BaseActionTestCase):
    action_cls = harness.action_class("createCoreV1NamespacedSecret")

    def run_action(self, action_name, /, **params):
        action = self.get_action_instance(config=self.config)
        meta = harness.metadata("actions/%s.yaml" % action_name)
        return action.run(k8s_action=meta["parameters"]["k8s_action"]["default"], **params)

    def setUp(self):
        super(ActionTest, self).setUp()
        self.config = harness.config(namespace="team-a")

    def record_calls(self):
        """Makes the config's k8s-pack one that records its arguments (and the mode of a
        parameters file), then runs the real one; returns a function reading the record."""
        scratch = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, scratch)
        log = os.path.join(scratch, "calls")
        wrapper = os.path.join(scratch, "k8s-pack")
        with open(wrapper, "w") as handle:
            handle.write(
                "#!/bin/sh\n"
                "printf '%%s\\n' \"$@\" > %(log)s\n"
                "for a in \"$@\"; do case \"$a\" in @*) stat -c 'mode %%a' \"${a#@}\" >> %(log)s;; esac; done\n"
                "exec %(real)s \"$@\"\n" % {"log": shlex.quote(log), "real": shlex.quote(harness.K8S_PACK)}
            )
        os.chmod(wrapper, stat.S_IRWXU)
        self.config["k8s_pack"] = wrapper

        def calls():
            with open(log) as handle:
                return handle.read().split("\n")

        return calls

    def test_create_returns_status_code_and_data_and_keeps_parameters_off_the_command_line(self):
        calls = self.record_calls()
        ok, result = self.run_action("createCoreV1NamespacedSecret", body=secret("db"), dryRun=None)
        self.assertTrue(ok, result)
        self.assertEqual(result["status_code"], 201)
        self.assertEqual(result["data"]["metadata"], {"name": "db", "namespace": "team-a", "uid": "0001"})
        self.assertNotIn(PASSWORD, "\n".join(calls()))
        self.assertIn("mode 600", calls())
        params_file = [a for a in calls() if a.startswith("@")][0][1:]
        self.assertFalse(os.path.exists(params_file), "the parameters file is deleted")
        self.assertEqual(calls()[calls().index("--namespace") + 1], "team-a")

    def test_kubeconfig_as_text(self):
        with open(harness.KUBECONFIG) as handle:
            self.config = {"kubeconfig_data": handle.read()}
        calls = self.record_calls()
        ok, result = self.run_action("readCoreV1NamespacedSecret", name="db", namespace="team-b")
        self.assertTrue(ok, result)
        self.assertEqual((result["status_code"], result["data"]["kind"]), (200, "Secret"))
        kubeconfig = calls()[calls().index("--kubeconfig") + 1]
        self.assertNotEqual(kubeconfig, harness.KUBECONFIG)
        self.assertFalse(os.path.exists(kubeconfig), "the kubeconfig written for the run is deleted")

    def test_not_found_fails_with_the_status(self):
        ok, result = self.run_action("readCoreV1NamespacedSecret", name="missing")
        self.assertFalse(ok)
        self.assertEqual(result["status_code"], 404)
        self.assertEqual((result["data"]["code"], result["data"]["reason"]), (404, "NotFound"))
        self.assertIn('secrets "missing" not found', result["error"])

    def test_unprocessable_fails_with_the_status(self):
        ok, result = self.run_action("createCoreV1NamespacedSecret", body=secret("Bad_Name"))
        self.assertFalse(ok)
        self.assertEqual(result["status_code"], 422)
        self.assertEqual((result["data"]["code"], result["data"]["reason"]), (422, "Invalid"))
        self.assertNotIn(PASSWORD, json.dumps(result))

    def test_invalid_parameters_fail_and_send_nothing(self):
        # Each would reach the pods or configmaps paths, which the server must never see.
        cases = [
            ("listCoreV1NamespacedPod", {"limit": "many"}, "parameter `limit` must be an integer"),
            ("createCoreV1NamespacedConfigMap", {}, "missing required parameter `body`"),
            ("createCoreV1NamespacedConfigMap", {"body": {"metadata": {"name": 5}}}, "invalid `body`: at `metadata.name`"),
            ("listCoreV1NamespacedPod", {"labelSelectr": "app=web"}, "did you mean `labelSelector`"),
        ]
        for name, params, message in cases:
            ok, result = self.run_action(name, **params)
            self.assertFalse(ok, name)
            self.assertEqual((result["status_code"], result["data"]), (None, None))
            self.assertIn(message, result["error"])

    def test_runs_under_stackstorm_python_action_wrapper(self):
        """The action as StackStorm runs it: its python_action_wrapper in a process of its own,
        loading the entry point, parameters on stdin."""
        meta = harness.metadata("actions/createCoreV1NamespacedSecret.yaml")
        entry_point = os.path.join(harness.PACK_DIR, "actions", meta["entry_point"])
        params = {"k8s_action": "createCoreV1NamespacedSecret", "body": secret("wrapped")}
        done = subprocess.run(
            [sys.executable, "-m", "python_runner.python_action_wrapper", "--pack", harness.pack_name(),
             "--file-path", entry_point, "--config", json.dumps(self.config), "--stdin-parameters"],
            input=json.dumps({"parameters": params}) + "\n", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True, timeout=120,
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        output = json.loads(done.stdout.split(ACTION_OUTPUT_RESULT_DELIMITER)[1].strip().splitlines()[0])
        self.assertEqual(output["status"], True, output)
        self.assertEqual(output["result"]["status_code"], 201)
        self.assertEqual(output["result"]["data"]["metadata"]["name"], "wrapped")
