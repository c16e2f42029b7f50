"""Chinese for the robust preset (the shipped model that reads anyone's handwriting)."""

ZH_ROBUST = {
    "Anyone's handwriting, 784-512-256-10, minutes of training: the shipped model (robust)": (
        "任何人的手写，784-512-256-10，需训练数分钟：随附的模型（robust）"
    ),
}
