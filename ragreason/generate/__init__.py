"""Generation and serving: prompts -> sampled answers, option scores, LoRA adapters by name.

Importing this package is light: vLLM, torch, transformers and openai load only when a backend
builds its model or client.
"""

from .adapters import AdapterRankError, AdapterSpec, as_specs
from .backends import BACKENDS, make_generator
from .base import (
    EndpointError,
    GenerationError,
    Generator,
    ServerStartError,
    UnknownAdapterError,
    check_sampling,
)
from .fake import FakeGenerator
from .hf import TransformersGenerator
from .openai_client import Endpoint, OpenAIGenerator
from .sample_cache import SampleCache
from .scoring import DEFAULT_METHOD, METHODS
from .vllm_offline import VLLMGenerator
from .vllm_options import EngineOptions
from .vllm_server import VLLMServer

__all__ = [
    "BACKENDS", "DEFAULT_METHOD", "METHODS", "AdapterRankError", "AdapterSpec", "EndpointError", "Endpoint",
    "EngineOptions", "FakeGenerator", "GenerationError", "Generator", "OpenAIGenerator", "SampleCache",
    "ServerStartError", "TransformersGenerator", "UnknownAdapterError", "VLLMGenerator", "VLLMServer", "as_specs",
    "check_sampling", "make_generator",
]
