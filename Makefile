# Theta's front door. `make demo` and `make test` work from a bare Debian machine
# with Swift: they install the system packages and the Python checkers first.
SWIFT ?= swift
PY := .venv/bin/python
DEBUG_BIN := .build/debug/theta
RELEASE_BIN := .build/release/theta
OUT := out

.PHONY: all deps build release demo test swift-test python-test fixtures bench clean format lint

all: build

deps:
	@tools/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product theta

# The main job on the bundled fixtures: convert the bundled weights, inspect them,
# predict digits20 and print the accuracy.
demo: release
	@mkdir -p $(OUT)
	$(RELEASE_BIN) convert Fixtures/digits20-weights.mat $(OUT)/digits20.theta --force
	$(RELEASE_BIN) verify $(OUT)/digits20.theta
	$(RELEASE_BIN) inspect $(OUT)/digits20.theta
	$(RELEASE_BIN) predict $(OUT)/digits20.theta Fixtures/digits20.mat --output $(OUT)/digits20-predictions.txt --force
	@echo "predictions written to $(OUT)/digits20-predictions.txt"
	@if [ -f ../shared/data/ex4weights.mat ]; then \
	  echo "the course weights ../shared/data/ex4weights.mat on digits20 (REFERENCE.md: 39.90%):" && \
	  $(RELEASE_BIN) convert ../shared/data/ex4weights.mat $(OUT)/ex4weights.theta --force && \
	  $(RELEASE_BIN) predict $(OUT)/ex4weights.theta Fixtures/digits20.mat --output $(OUT)/ex4-predictions.txt --force; \
	else echo "(../shared/data/ex4weights.mat absent: course weights not converted)"; fi

test: deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@rm -rf $(OUT)/swift-outputs && mkdir -p $(OUT)/swift-outputs
	@for f in Fixtures/digits20-weights.mat Fixtures/tiny-weights.mat Fixtures/mat/weights_v73.mat; do \
	  $(DEBUG_BIN) convert $$f $(OUT)/swift-outputs/$$(basename $$f .mat).theta --meta made-by=make-test || exit 1; done
	@$(DEBUG_BIN) convert Fixtures/digits20-weights.mat $(OUT)/swift-outputs/digits20-f32.theta --dtype float32
	THETA_BIN=$(DEBUG_BIN) THETA_OUTPUTS=$(OUT)/swift-outputs $(PY) -m pytest -q tests/python
	$(MAKE) fuzz-smoke

fixtures: deps
	tools/make_fixtures.sh

bench: release
	$(PY) tools/bench_predict.py --theta $(RELEASE_BIN)

# Swift sources follow .swift-format (swift-format ships with the toolchain):
# `make format` rewrites them, `make lint` (part of `make test`) fails on any deviation.
FORMATTED := Sources Tests Package.swift Fuzz/Sources Fuzz/Package.swift

format:
	$(SWIFT) format -i -r $(FORMATTED)

lint:
	$(SWIFT) format lint --strict -r $(FORMATTED)

clean:
	rm -rf .build $(OUT)

include mk/docs-images.mk
include mk/fuzz.mk
