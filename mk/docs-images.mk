# `make docs-images`: the pictures in Docs/images (shown by README.md and
# Docs/RENDER.md), drawn by `theta render` from the bundled fixtures.
# Included from the Makefile, whose SWIFT, RELEASE_BIN and OUT it uses.
# The output is deterministic: running it again rewrites the same bytes.
DOCS_IMAGES := Docs/images
DOCS_IMAGES_WORK := $(OUT)/docs-images

.PHONY: docs-images
docs-images: release
	@mkdir -p $(DOCS_IMAGES) $(DOCS_IMAGES_WORK)
	$(RELEASE_BIN) convert Fixtures/digits20-weights.mat $(DOCS_IMAGES_WORK)/digits20.theta --force
	$(RELEASE_BIN) train Fixtures/digits20.mat -o $(DOCS_IMAGES_WORK)/trained.theta --init numpy --seed 0 --force -q
	$(RELEASE_BIN) train Fixtures/digits20.mat -o $(DOCS_IMAGES_WORK)/early.theta --init numpy --seed 0 --max-iter 15 --force -q
	$(RELEASE_BIN) render data Fixtures/digits20.mat $(DOCS_IMAGES)/digits20-examples.png --seed 0 --force
	$(RELEASE_BIN) render hidden $(DOCS_IMAGES_WORK)/digits20.theta $(DOCS_IMAGES)/digits20-hidden.png --force
	$(RELEASE_BIN) render curve $(DOCS_IMAGES_WORK)/trained.theta $(DOCS_IMAGES)/digits20-cost.png --force
	$(RELEASE_BIN) render predictions $(DOCS_IMAGES_WORK)/early.theta Fixtures/digits20.mat $(DOCS_IMAGES)/digits20-predictions.png --seed 0 --force
	@ls -l $(DOCS_IMAGES)/*.png
