import pytest

from ragreason.finetune import LoraSpec, SpecError, TrainSpec, finetune
from ragreason.prompt import PromptBuilder


def test_defaults_are_valid_and_serialise():
    lora, train = LoraSpec(), TrainSpec()
    assert lora.to_dict() == {"r": 8, "alpha": 16.0, "dropout": 0.0, "target_modules": "all-linear"}
    assert LoraSpec(target_modules=["q_proj", "v_proj"]).to_dict()["target_modules"] == ["q_proj", "v_proj"]
    assert LoraSpec(top_layers=6).to_dict()["top_layers"] == 6  # recorded only when set
    assert train.to_dict()["lr"] == 2e-4 and train.target == "answer"


def test_every_bad_lora_value_is_named_in_one_message():
    with pytest.raises(SpecError) as error:
        LoraSpec(r=0, alpha=-1, dropout=1.0, target_modules="everything")
    message = str(error.value)
    for part in ("r must be", "alpha must be", "dropout must be", "target_modules must be"):
        assert part in message
    with pytest.raises(SpecError, match="target_modules must name"):
        LoraSpec(target_modules=[])
    with pytest.raises(SpecError, match="r must be an integer"):
        LoraSpec(r=8.5)
    for bad in (0, 2.0, True):
        with pytest.raises(SpecError, match="top_layers must be an integer >= 1 or None"):
            LoraSpec(top_layers=bad)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("lr", 0.0, "lr must be in (0, 1)"),
    ("lr", 3.0, "lr must be in (0, 1)"),
    ("epochs", 0, "epochs must be > 0"),
    ("batch_size", 0, "batch_size must be an integer >= 1 or None"),
    ("grad_accum", 0, "grad_accum must be an integer >= 1"),
    ("max_length", 4, "max_length must be an integer >= 8"),
    ("max_steps", -1, "max_steps must be"),
    ("warmup", 1.5, "warmup"),
    ("distractor_share", 1.2, "distractor_share must be in [0, 1]"),
    ("target", "essay", "target must be one of answer, cot"),
    ("precision", "fp8", "precision must be one of"),
    ("threads", 0, "threads must be"),
    ("save_steps", True, "save_steps must be"),
    ("group_by_length", "yes", "group_by_length must be true or false"),
])
def test_bad_train_values_fail_with_the_name(field, value, words):
    with pytest.raises(SpecError) as error:
        TrainSpec(**{field: value})
    assert words in str(error.value)


def test_auto_batch_and_eval_length():
    assert TrainSpec().batch_for("cpu") == 4 and TrainSpec().batch_for("cuda") == 16
    assert TrainSpec(batch_size=2).batch_for("cuda") == 2
    assert TrainSpec().max_new_tokens() == 16 and TrainSpec(target="cot").max_new_tokens() == 512
    assert TrainSpec(eval_max_tokens=40).max_new_tokens() == 40


def test_finetune_rejects_bad_input_before_loading_anything(tmp_path):
    with pytest.raises(ValueError, match="no training items"):
        finetune([], out_dir=tmp_path, builder=PromptBuilder(), base_model=tmp_path / "nowhere")
    assert not any(tmp_path.iterdir())


def test_length_grouping_reaches_the_trainer(tmp_path):
    from ragreason.finetune import runtime

    grouped = runtime.training_args(TrainSpec(), tmp_path, device="cpu", precision="fp32")
    plain = runtime.training_args(TrainSpec(group_by_length=False), tmp_path, device="cpu", precision="fp32")
    assert grouped.train_sampling_strategy == "group_by_length"
    assert plain.train_sampling_strategy == "random"
