"""Chinese for the coach's texts: the new settings, the diagnostics, the hints."""

ZH_COACH = {
    # settings
    "Training-set size": "训练集大小",
    "Train on only the first images. With 100 the network learns them by heart: overfitting on purpose.": "只用前面这些图片训练。只用 100 张时，网络会把它们死记硬背下来：故意制造过拟合。",
    "Validation share": "验证集比例",
    "Hold out this share of the training images: the charts show how the network does on images it never trained on, without peeking at the test set. 0 = none.": "从训练图片中留出这一比例：图表显示网络在从未训练过的图片上的表现，而不必偷看测试集。0 = 不留。",
    "Initial-weight scale": "初始权重倍数",
    "Multiplies every initial weight. ×0.1: signals fade layer by layer; ×5: sigmoid and tanh saturate.": "把每个初始权重乘以这个倍数。×0.1：信号一层层减弱；×5：sigmoid 和 tanh 饱和。",
    "Dropout": "Dropout（随机失活）",
    "While training, switch off this share of each hidden layer's neurons at random, per image; never when testing. It fights overfitting. 0 = off.": "训练时，对每张图片随机关掉每个隐藏层中这一比例的神经元；测试时从不关掉。它能对抗过拟合。0 = 关闭。",
}
