# Fuzzing (issue 6; Docs/FUZZING.md): libFuzzer targets for the readers, in the
# separate package Fuzz/ (it depends on this one by path, so nothing fuzz-specific
# is in Package.swift), built with ASan and libFuzzer into .build-fuzz (linked with
# lld: gold warns about every ASan symbol).
# Included from the Makefile, whose SWIFT and OUT it uses.
#
#   make fuzz              build, then run every target at once for FUZZ_SECONDS each
#   make fuzz-smoke        the same for FUZZ_SMOKE_SECONDS, from the seeds only, in
#                          out/fuzz/smoke; fails on any crash, leak, timeout or
#                          out-of-memory (for `make test`)
#   make fuzz FUZZ_TARGETS="theta onnx" FUZZ_SECONDS=600 FUZZ_NICE=19
#   make fuzz-corpus       rewrite the seeds in Fuzz/corpus (tools/make_fuzz_corpus.sh)
FUZZ_TARGETS ?= theta csv-dataset csv-model safetensors onnx
FUZZ_SECONDS ?= 3600
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_CONFIG ?= release
FUZZ_SCRATCH := .build-fuzz
FUZZ_OUT := $(OUT)/fuzz
FUZZ_NICE ?=
FUZZ_RUN = FUZZ_BIN=$(FUZZ_SCRATCH)/$(FUZZ_CONFIG) FUZZ_OUT=$(FUZZ_OUT) FUZZ_NICE=$(FUZZ_NICE) tools/fuzz.sh

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-corpus

# SwiftPM keeps the build plan of a path dependency until the dependent's manifest
# changes, so it misses a source file added to (or removed from) this package: a
# folder under Sources newer than the plan means a file came or went, and touching
# Fuzz/Package.swift makes SwiftPM plan again.
fuzz-build: deps
	@if [ -f $(FUZZ_SCRATCH)/$(FUZZ_CONFIG).yaml ] && \
	  [ -n "$$(find Sources -type d -newer $(FUZZ_SCRATCH)/$(FUZZ_CONFIG).yaml | head -n 1)" ]; then \
	  touch Fuzz/Package.swift; fi
	$(SWIFT) build --package-path Fuzz --scratch-path $(FUZZ_SCRATCH) -c $(FUZZ_CONFIG) \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld

fuzz: fuzz-build
	$(FUZZ_RUN) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Its own corpus, logs and artifacts (out/fuzz/smoke/), so that it can run beside a long `make fuzz`.
fuzz-smoke: fuzz-build
	FUZZ_FRESH=1 FUZZ_BIN=$(FUZZ_SCRATCH)/$(FUZZ_CONFIG) FUZZ_OUT=$(FUZZ_OUT)/smoke tools/fuzz.sh \
	  $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

fuzz-corpus: build
	THETA_BIN=$(DEBUG_BIN) tools/make_fuzz_corpus.sh Fuzz/corpus
