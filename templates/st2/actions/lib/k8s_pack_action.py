"""The runner of every action of the pack: `k8s-pack run ACTION --params @FILE`.

Each action's metadata names the k8s-pack action in its immutable `k8s_action` parameter; the
other parameters go to a private file, never to the command line, where any user of the host
could read them (Secret bodies are parameters). The result is what k8s-pack prints,
{status_code, data}. The execution fails when the API refuses (k8s-pack exits 1 and prints
the server's Status as data) and when the parameters are invalid (it exits 2 and sends
nothing); `error` then says why.
"""

import json
import subprocess

from st2common.runners.base_action import Action

from k8s_pack_cli import K8sPack, error_message


class K8sPackAction(Action):
    def run(self, k8s_action, **parameters):
        # StackStorm passes unset optional parameters as None; k8s-pack takes them as absent.
        parameters = {name: value for name, value in parameters.items() if value is not None}
        with K8sPack(self.config) as k8s:
            params_file = k8s.private_file("params.json", json.dumps(parameters))
            command = k8s.command(
                "run", k8s_action, "--params", "@" + params_file, namespace=self.config.get("namespace")
            )
            try:
                done = subprocess.run(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    universal_newlines=True,
                )
            except OSError as e:
                return False, failure("cannot run %s: %s" % (command[0], e.strerror or e))
        printed = output(done.stdout)
        if done.returncode == 0 and printed is not None:
            return True, printed
        message = error_message(done.stderr) or "k8s-pack exited with code %d" % done.returncode
        if done.returncode == 1 and printed is not None:
            printed["error"] = message
            return False, printed
        return False, failure(message)


def output(stdout):
    """The {status_code, data} object k8s-pack printed, if it printed one."""
    try:
        printed = json.loads(stdout)
    except ValueError:
        return None
    return printed if isinstance(printed, dict) and "status_code" in printed else None


def failure(message):
    """The result of a run that got no answer from the API server."""
    return {"status_code": None, "data": None, "error": message}
