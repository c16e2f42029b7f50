"""Chinese for the network's inside: the diagram, a neuron's sum, saliency, Fool it, Dream (Draw,
Weights and Backprop pages)."""

ZH_INSIGHT = {
    "layer {layer}, neuron {neuron}": "第 {layer} 层，神经元 {neuron}",
    "output {name} (layer {layer}, neuron {neuron})": "输出 {name}（第 {layer} 层，神经元 {neuron}）",
    "Neuron to take apart": "要拆开看的神经元",
    "**Layer {layer}, neuron {neuron}**: `Z{layer}[{neuron}] = Σ W{layer}[{neuron}, i]·{previous}[i] "
    "+ B{layer}[{neuron}]`, then `A{layer}[{neuron}] = {activation}(Z{layer}[{neuron}])`.": (
        "**第 {layer} 层，神经元 {neuron}**：`Z{layer}[{neuron}] = Σ W{layer}[{neuron}, i]·{previous}[i] "
        "+ B{layer}[{neuron}]`，然后 `A{layer}[{neuron}] = {activation}(Z{layer}[{neuron}])`。"
    ),
    "W1[{neuron}] ⊙ X: each pixel's part of the sum": "W1[{neuron}] ⊙ X：每个像素在求和中的份额",
    "W{layer}[{neuron}, i]·A{previous}[i]: each neuron's part": "W{layer}[{neuron}, i]·A{previous}[i]：每个神经元的份额",
    "ⓘ Computed in float64 from the network's own weights and input: the parts add up to Z exactly "
    "(to the 7 decimals shown).": "ⓘ 用网络自己的权重和输入以 float64 计算：各部分之和恰好等于 Z（精确到所显示的 7 位小数）。",
    "The network for this input": "这个输入下的网络",
    "input 28×28": "输入 28×28",
    "hidden layer {layer}": "隐藏层 {layer}",
    "{shown} most active of {size}": "{size} 个中最活跃的 {shown} 个",
    "layer {layer}, neuron {neuron}<br>Z = {Z:+.4f}<br>A = {A:.4f}": "第 {layer} 层，神经元 {neuron}<br>Z = {Z:+.4f}<br>A = {A:.4f}",
    "line: activation × weight (red +, blue −; wider = more)": "连线：激活值 × 权重（红 +，蓝 −；越粗越大）",
    "ⓘ Each circle is a neuron, coloured by its activation (red +, blue −); each line is what flows along it, "
    "activation × weight. Click a neuron to take its sum apart.": (
        "ⓘ 每个圆是一个神经元，颜色表示它的激活值（红 +，蓝 −）；每条线是沿它流过的量，即激活值 × 权重。"
        "点击一个神经元，把它的加权和拆开来看。"
    ),
    "Or click a neuron in the diagram.": "或者在图中点击一个神经元。",
    "neuron i of layer {layer}": "第 {layer} 层的神经元 i",
    "Which pixels move the answer '{digit}'": "哪些像素影响答案“{digit}”",
    "ⓘ dX = W1ᵀ·dZ1, the gradient of the loss with respect to each pixel. Red: more ink here would make "
    "the network surer of '{digit}'; blue: ink here speaks against it.": (
        "ⓘ dX = W1ᵀ·dZ1，损失对每个像素的梯度。红色：这里多些墨迹会让网络更确定是“{digit}”；蓝色：这里的墨迹不利于它。"
    ),
    "**Fool it**: nudge every pixel a little in the direction that hurts the answer most (the sign of dX), "
    "again and again, until the network changes its mind; then keep only as much of the change as it takes.": (
        "**骗过它**：把每个像素朝最不利于当前答案的方向（dX 的符号）轻推一点，一次又一次，直到网络改变主意；"
        "然后只保留刚好足够的改动。"
    ),
    "Fool it": "骗过它",
    "Fooled prediction": "被骗后的预测",
    "Largest pixel change (L∞)": "最大像素改动（L∞）",
    "'{before}' became '{after}' with a change of at most {size:.3f} per pixel": (
        "“{before}”变成了“{after}”，每个像素的改动至多 {size:.3f}"
    ),
    "**Dream**: start from a blank image and change its pixels, step by step, to make the network surer of "
    "one digit, keeping the picture smooth. What does the network think a digit looks like?": (
        "**做梦**：从一张空白图像出发，一步步修改像素，让网络越来越确定是某个数字，同时保持图像平滑。"
        "网络心目中的数字长什么样？"
    ),
    "Digit to dream of": "要梦见的数字",
    "Dream": "做梦",
    "Dream read as": "梦被读作",
    "p = {p:.3f}": "p = {p:.3f}",
    "Σ of the parts": "各部分之和 Σ",
    "+ bias B{layer}[{neuron}]": "+ 偏置 B{layer}[{neuron}]",
    "= Z{layer}[{neuron}]": "= Z{layer}[{neuron}]",
    "A{layer}[{neuron}] = {activation}(Z)": "A{layer}[{neuron}] = {activation}(Z)",
    "what the network gets": "网络得到的输入",
    "saliency: −dX for '{digit}'": "显著图：“{digit}”的 −dX",
    "Find the smallest change that flips the answer.": "找出能让答案翻转的最小改动。",
    "No small change fooled it: the network stayed with its answer.": "没有小改动能骗过它：网络坚持了原来的答案。",
    "{sure:.1%} sure": "把握 {sure:.1%}",
    "= {levels:.1f} of 255 grey levels": "= 255 级灰度中的 {levels:.1f} 级",
    "your drawing": "你的手写",
    "the change (amplified)": "改动（放大显示）",
    "what fools it": "骗过它的图像",
    "before": "之前",
    "fooled": "被骗后",
    "Dreaming of '{digit}': step {step}": "梦见“{digit}”：第 {step} 步",
    "a blank image": "空白图像",
    "noise": "噪声",
    "Too little ink to read: a dot is not a digit. Draw the whole digit, large.": (
        "墨迹太少，无法识别：一个点不是数字。请把整个数字写大一些。"
    ),
    "The network": "网络",
    "Which pixels matter": "哪些像素重要",
    "Hidden neurons": "隐藏神经元",
    "One step further: the gradient with respect to the input": "再进一步：对输入的梯度",
    "The blog stops at dW1. One more product gives how the loss changes with each **pixel**: red pixels "
    "raise the loss when inked, blue ones lower it. The Draw page uses it to show which pixels matter "
    "(saliency), to fool the network with the smallest change, and to dream a digit.": (
        "博客止步于 dW1。再乘一次就得到损失随每个**像素**的变化：红色像素有墨迹时损失升高，蓝色则降低。"
        "手写页用它显示哪些像素重要（显著图）、用最小的改动骗过网络，以及梦见一个数字。"
    ),
    "dX as a 28×28 map": "dX 的 28×28 图",
    "The weights at work: the network for one test image": "权重在工作：一张测试图像下的网络",
    "Test image number": "测试图像编号",
    "One of the {count} test images of the model's digits.": "模型所识数字的 {count} 张测试图像之一。",
}
