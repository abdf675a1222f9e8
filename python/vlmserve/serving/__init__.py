"""Serving adapters: the TorchServe handler (:mod:`vlmserve.serving.torchserve`), packaging
and running it (:mod:`vlmserve.serving.torchserve_deploy`), and the request bodies every
adapter accepts (:mod:`vlmserve.serving.inputs`).

Nothing here imports torch or TorchServe at import time.
"""
