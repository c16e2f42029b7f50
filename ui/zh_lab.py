"""Chinese for the Lab and Stress pages: edits, knock-out, damage, robustness, threshold, points map."""

ZH_LAB = {
    "🧪 Lab": "🧪 实验室",
    "🌪️ Stress": "🌪️ 压力测试",
    "{name}, edited in the Lab (Draw reads with the edits)": "{name}，已在实验室中修改（手写页使用修改后的网络）",
    "Editing **{model}** (layers {sizes}) on the {count:,} test images. Every edit is applied to the original "
    "again from scratch, so each one can be undone; Draw reads with the edited network while edits are on.": (
        "正在修改 **{model}**（层 {sizes}），在 {count:,} 张测试图片上检验。每次修改都从原始网络重新做起，"
        "所以每一步都可以撤销；修改生效期间，手写页使用修改后的网络。"
    ),
    "Neurons switched off": "关闭的神经元",
    "A neuron switched off sends 0 on, whatever its input (L1 n7: layer 1, neuron 7).": (
        "被关闭的神经元无论输入是什么都向后传 0（L1 n7：第 1 层第 7 个神经元）。"
    ),
    "Neuron to change": "要修改的神经元",
    "Bias shift": "偏置平移",
    "Added to the neuron's bias B.": "加到这个神经元的偏置 B 上。",
    "Weight scale": "权重缩放",
    "Multiplies its weights in.": "乘以它的输入权重。",
    "Prune the smallest weights": "剪掉最小的权重",
    "Sets this share of each layer's smallest weights (by size) to 0.": "把每层中绝对值最小的这部分权重设为 0。",
    "Weight noise": "权重噪声",
    "Adds random noise to every weight, this many times each layer's spread (fixed seed).": (
        "给每个权重加上随机噪声，大小为该层权重离散程度的这么多倍（固定随机种子）。"
    ),
    "Temperature": "温度",
    "Divides the output's z by T: above 1 the network is less sure, below 1 more; the answer stays.": (
        "把输出的 z 除以 T：大于 1 时网络没那么确定，小于 1 时更确定；答案不变。"
    ),
    "Reset edits": "撤销所有修改",
    "This edit does not fit the model: {error}": "这个修改不适用于这个模型：{error}",
    "Edited accuracy": "修改后的准确率",
    "{change:+.2f} points": "{change:+.2f} 个百分点",
    "Original accuracy": "原始准确率",
    "Download the edited model (.npz)": "下载修改后的模型（.npz）",
    "Load it on the Train page like any model file.": "可以像其他模型文件一样在训练页加载。",
    "Accuracy per digit, before → after": "每个数字的准确率，修改前 → 修改后",
    "original": "原始",
    "edited": "修改后",
    "Confusion matrix of the edited network": "修改后网络的混淆矩阵",
    "Which neurons matter": "哪些神经元重要",
    "Switching off each first-layer neuron in turn, in the background…": "正在后台依次关闭第一层的每个神经元……",
    "Accuracy lost when one first-layer neuron is switched off alone": "单独关闭一个第一层神经元时损失的准确率",
    "points lost": "损失的百分点",
    "How many": "多少个",
    "Switch off the top ones of this chart": "关闭图中排名靠前的这些神经元",
    "ⓘ Most neurons cost almost nothing alone: the network spreads what it knows. Switch off the top ones "
    "together and watch the Edited accuracy above.": (
        "ⓘ 大多数神经元单独关闭几乎没有损失：网络把知识分散存放。把排名靠前的一起关闭，看看上面的修改后准确率。"
    ),
    "Test image": "测试图片",
    "The test image the two parts below show.": "下面两部分展示的测试图片。",
    "The network for this image: click a hidden neuron to switch it off or on": "这张图片下的网络：点击隐藏神经元来关闭或打开它",
    "The output, step by step": "输出层，一步一步算",
    "Test image {index}: a {digit}": "测试图片 {index}：一个 {digit}",
    "Answer": "答案",
    "**Sum**: Σ {column} = {total:.6g}; **divide**: each p is its {column} ÷ {total:.6g}.": (
        "**求和**：Σ {column} = {total:.6g}；**相除**：每个 p 等于它的 {column} ÷ {total:.6g}。"
    ),
    "The digit with the largest p.": "p 最大的数字。",
    "ⓘ T = {T:g}. Dividing z by T never changes which z is largest, so the answer stays; it only makes the "
    "network more (T < 1) or less (T > 1) sure.": (
        "ⓘ T = {T:g}。把 z 除以 T 不会改变哪个 z 最大，所以答案不变；它只让网络更确定（T < 1）或更不确定（T > 1）。"
    ),
    "noise": "噪声",
    "rotation": "旋转",
    "thin strokes": "笔画变细",
    "bold strokes": "笔画变粗",
    "blur": "模糊",
    "shift": "平移",
    "Damage": "损坏方式",
    "Strength ({unit})": "强度（{unit}）",
    "8 damaged test images; the network says: {said}": "8 张损坏的测试图片；网络的回答：{said}",
    "Accuracy on damaged images": "损坏图片上的准确率",
    "On the first {count:,} test images, each damaged with the same seed.": "在前 {count:,} 张测试图片上，每张都用同一个随机种子损坏。",
    "Damaging {count:,} test images in {ways} ways and reading them, in the background…": (
        "正在后台用 {ways} 种方式损坏 {count:,} 张测试图片并识别它们……"
    ),
    "This session's model": "本次会话的模型",
    "The shipped model": "自带的模型",
    "damage level (0 = none)": "损坏程度（0 = 没有）",
    "Robustness curves": "鲁棒性曲线",
    "ⓘ Accuracy on the first {count:,} test images as each damage grows (hover for its strength). The shipped "
    "model saw rotated, thickened, thinned and shifted digits while it trained: that is why it bends later.": (
        "ⓘ 随着每种损坏加重，前 {count:,} 张测试图片上的准确率（悬停可看强度）。自带的模型训练时见过旋转、加粗、"
        "变细和平移的数字：所以它的曲线更晚才下弯。"
    ),
    "Confidence threshold": "置信度阈值",
    "Below this probability the network says “I don't know” instead of answering.": "概率低于这个值时，网络说“我不知道”，不作回答。",
    "Answered": "作答比例",
    "The share of test images it still answers.": "它仍然作答的测试图片所占比例。",
    "Accuracy on answered": "作答部分的准确率",
    "Plain accuracy": "全部作答的准确率",
    "Answering every image.": "每张图片都作答时。",
    "confidence threshold": "置信度阈值",
    "Fewer answers, fewer mistakes": "答得越少，错得越少",
    "**The most confident mistakes**: sure, and wrong.": "**最自信的错误**：很确定，却错了。",
    "a {digit}, read as {answer} ({sure:.1%})": "一个 {digit}，被认成 {answer}（{sure:.1%}）",
    "input": "输入",
    "Layer": "层",
    "Projection": "投影方法",
    "Placing the points…": "正在放置各点……",
    "{count:,} test images at the {layer}": "{count:,} 张测试图片在“{layer}”处",
    "a {digit}": "一个 {digit}",
    "mistakes": "错误",
    "a mistake": "一个错误",
    "Click a point to see its image.": "点击一个点，查看它的图片。",
    "Label": "标签",
    "Network's answer": "网络的回答",
    "Testing **{model}**.": "正在测试 **{model}**。",
    "Damage the test images": "损坏测试图片",
    "When the network may say “I don't know”": "当网络可以说“我不知道”",
    "How it sorts the digits": "它如何把数字分门别类",
    "ⓘ Each point is a test image; where it lands is what a layer makes of it, squeezed onto a plane. Digits "
    "the layer tells apart form their own clusters; black rings are the network's mistakes.": (
        "ⓘ 每个点是一张测试图片；它落在哪里，是某一层对它的理解被压到平面上的结果。这一层能区分的数字各自聚成一团；"
        "黑圈是网络的错误。"
    ),
    "Watch the clusters form": "看着各个数字聚成团",
    "Train a model on the **Train** page to watch its first hidden layer sort the digits as it learns.": (
        "在**训练**页训练一个模型，就能看它的第一个隐藏层在学习中如何把数字分开。"
    ),
    "The first hidden layer during training (press ▶)": "训练过程中的第一个隐藏层（点击 ▶）",
    "ⓘ {count:,} test images at each snapshot of W1, on the last snapshot's PCA axes. Snapshots keep W1 only, "
    "so this map leaves the biases out.": (
        "ⓘ {count:,} 张测试图片在 W1 的每张快照下的位置，画在最后一张快照的 PCA 坐标轴上。快照只保存 W1，"
        "所以这张图没有计入偏置。"
    ),
    "Input": "输入",
    "Test image {index}": "测试图片 {index}",
    "A drawing": "手写一个",
    "Draw a digit: its output's numbers appear here.": "写一个数字：它在输出层的数值会显示在这里。",
    "Your drawing, as the network gets it": "你写的数字，网络看到的样子",
    "The server is busy: this part is still being computed. Come back to this page in a minute.": (
        "服务器很忙：这一部分还在计算中。请过一分钟再回到这个页面。"
    ),
    "This part could not be computed: {error}": "这一部分无法计算：{error}",
}
