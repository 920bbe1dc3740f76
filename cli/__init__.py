"""The ``crossover`` command line: one module per command, ``cli.main.main`` is the entry point.

A face like the web app: it reads flags into the core's models, calls the core and prints.
"""
