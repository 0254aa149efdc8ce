"""The real packaged SmolLM2, converted from its GGUF: loads, carries its chat template, answers."""

import json


def test_converted_model_is_a_complete_chat_model(default_llm):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    config = json.loads((default_llm / "config.json").read_text())
    assert config["model_type"] == "llama" and "quantization_config" not in config
    tokenizer = AutoTokenizer.from_pretrained(default_llm)
    assert tokenizer.eos_token == "<|im_end|>" and tokenizer.pad_token is not None
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    model = AutoModelForCausalLM.from_pretrained(default_llm)
    assert sum(p.numel() for p in model.parameters()) == 134_515_008
    out = model.generate(**inputs, max_new_tokens=12, do_sample=False)
    assert "Paris" in tokenizer.decode(out[0][inputs["input_ids"].shape[1]:])
