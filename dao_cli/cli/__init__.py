"""The command line, `coop`: a thin layer of click commands over the layers below, with the context they
share, their output and progress."""
