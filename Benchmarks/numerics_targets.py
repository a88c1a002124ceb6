"""Issue #14's numerics targets, judged one way by numerics.sh and numerics-architectures.sh
(their table steps import this with PYTHONPATH set to Benchmarks/)."""


def judged(llama_ppl, parley_ppl, kld, top):
    """A row's perplexity difference in percent and whether it meets all three targets."""
    diff = (float(parley_ppl) / float(llama_ppl) - 1) * 100
    return diff, abs(diff) <= 0.05 and float(kld) <= 1e-4 and float(top) >= 99.5


def summary(rows, failed):
    """The line under a table of `rows` rows of which `failed` missed a target."""
    return (f"\ntargets: PPL within 0.05%, mean KLD <= 1e-4, top-1 >= 99.5%; "
            f"{rows - failed} of {rows} rows meet all three")
