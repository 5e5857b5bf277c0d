/// Reproducible random test values come from Training's documented generator, the
/// one `theta train --seed` uses, rather than a copy of it.
@_exported import struct Training.SplitMix64
