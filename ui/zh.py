"""Chinese text for the app: English template -> 中文 (placeholders kept as they are)."""

ZH = {
    # Home
    "🧠 nnlib — a neural network learns to read handwritten digits": "🧠 nnlib —— 看神经网络学会识别手写数字",
    "A two-layer network written from scratch in NumPy, after a Chinese blog post that builds **784 → 10 (tanh) "
    "→ 2 (sigmoid)** with gradients derived by hand, and trains it on MNIST's 0s and 1s. Everything here is that "
    "network, in the blog's notation (`W1, B1, Z1, A1, …`), generalised so you can try all ten digits, other "
    "sizes and other settings.": "一个只用 NumPy 从零写成的两层神经网络，源自一篇中文博客：它搭建 **784 → 10 (tanh) → 2 (sigmoid)**，"
    "手工推导梯度，并在 MNIST 的 0 和 1 上训练。这里的一切都是那个网络，沿用博客的记号（`W1, B1, Z1, A1, …`），"
    "并加以推广，让你可以尝试全部十个数字、其他规模和其他设置。",
    "**The pages** (left sidebar):\n1. **Dataset** — what the network sees: images, counts, the 784-long vector, "
    "normalisation.\n2. **Train** — pick the blog's preset or all ten digits, press *Train*, watch the loss fall "
    "live.\n3. **Weights** — each hidden neuron's weights `W1` as a 28×28 picture, forming from noise.\n4. "
    "**Draw** — draw a digit with the mouse and see what the network says, and why.\n5. **Backprop** — the blog's "
    "derivation with live numbers: one image, one step, a gradient check.\n6. **Compare** — the blog's closing "
    "experiment: other hidden sizes and settings, side by side.": "**各页面**（左侧边栏）：\n1. **数据集** —— 网络看到的东西：图片、数量、784 维向量、归一化。\n"
    "2. **训练** —— 选择博客的预设或全部十个数字，按下 *训练*，实时看损失下降。\n"
    "3. **权重** —— 每个隐藏神经元的权重 `W1` 显示为 28×28 图像，看它从噪声中成形。\n"
    "4. **手写** —— 用鼠标写一个数字，看网络怎么说、为什么。\n"
    "5. **反向传播** —— 用真实数字走一遍博客的推导：一张图片、一步更新、一次梯度检验。\n"
    "6. **对比** —— 博客结尾的实验：不同的隐藏层规模和设置，并排比较。",
    "In a lesson (about 20 minutes)": "课堂用法（约 20 分钟）",
    "- **Dataset**: show a digit as a 28×28 grid, then as the 784 numbers the network really gets.\n- **Train** "
    "with the *blog* preset (one pass, per-sample SGD, under a second): 2114 of 2115 test images right. Then set "
    "the learning rate to 10 and watch it diverge.\n- **Weights**: play the timeline; the filters turn from noise "
    "into 0-and-1 detectors.\n- **Backprop**: follow one image through every formula; take a step; check the "
    "gradients.\n- **Train** the *all ten digits* preset (about 30 s) and go to **Draw**: let students draw.": "- **数据集**：先把一个数字显示为 28×28 网格，再显示为网络真正得到的 784 个数。\n"
    "- 用 *博客* 预设 **训练**（一遍、逐样本 SGD，不到一秒）：2115 张测试图片对 2114 张。"
    "然后把学习率设为 10，看它发散。\n"
    "- **权重**：播放时间轴，滤波器从噪声变成 0 和 1 的检测器。\n"
    "- **反向传播**：让一张图片走过每个公式；更新一步；检验梯度。\n"
    "- 用 *全部十个数字* 预设 **训练**（约 30 秒），再到 **手写** 页：让学生动手写。",
    "Current model": "当前模型",
    "**{model}** — layers {sizes}, digits {digits}, {count} parameters.": "**{model}** —— 层 {sizes}，数字 {digits}，{count} 个参数。",
    "Train a model on the Train page to replace it for this browser session only.": "在训练页训练一个模型即可替换它（只影响你这个浏览器会话）。",
    # model descriptions
    "trained in this session": "本次会话中训练的模型",
    "loaded from {name}": "从 {name} 加载的模型",
    "the shipped ten-digit model (robust preset)": "自带的十数字模型（robust 预设）",
    "**Model:** {model}": "**模型：** {model}",
    "The image data cannot be loaded: {error}. Point MNIST_DIR at a folder holding the four IDX files "
    "(train-images, train-labels, t10k-images, t10k-labels).": "无法加载图像数据：{error}。请把 MNIST_DIR 指向一个包含四个 IDX 文件"
    "（train-images、train-labels、t10k-images、t10k-labels）的文件夹。",
    # Dataset
    "📊 Dataset": "📊 数据集",
    "Digits": "数字",
    "**{train}** training and **{test}** test images of digits {digits} (from `{source}`).": "数字 {digits} 共有 **{train}** 张训练图片和 **{test}** 张测试图片（来自 `{source}`）。",
    "train": "训练",
    "test": "测试",
    "images": "图片数",
    "Samples": "样本",
    "Show": "显示",
    "🔀 Reshuffle": "🔀 重新抽样",
    "One image, as the network sees it": "网络眼中的一张图片",
    "Which sample": "哪个样本",
    "Normalisation": "归一化",
    "The blog scales each image by its own minimum and maximum (**min-max**): `(X − min) / (max − min)`. The "
    "usual way divides by **255**. This image's pixels run from {low} to {high}, so the two differ by at most "
    "**{difference:.3f}**: on MNIST they are nearly always the same, because almost every image has a pure black "
    "background (0) and a pure white stroke (255).": "博客用每张图片自己的最小值和最大值来缩放（**min-max**）：`(X − min) / (max − min)`。常见做法是除以 **255**。"
    "这张图片的像素从 {low} 到 {high}，所以两者最多相差 **{difference:.3f}**：在 MNIST 上它们几乎总是一样，"
    "因为几乎每张图片都有纯黑的背景（0）和纯白的笔画（255）。",
    "Pixel values over all chosen training images": "所选训练图片的像素值分布",
    "Most pixels are background (0) or full ink (255); the anti-aliased edges lie between.": "大多数像素是背景（0）或满墨（255）；抗锯齿的边缘介于两者之间。",
    "The blog uses only 0 and 1. Add digits to see the full task.": "博客只用 0 和 1。加入更多数字，看看完整的任务。",
    "Choose at least one digit.": "请至少选择一个数字。",
    "Images per digit (train and test)": "每个数字的图片数（训练和测试）",
    "Only one digit, to see how differently people write it.": "只看一个数字，看看不同的人写法有多不同。",
    "Another random set of samples.": "换一组随机样本。",
    "Training images, white digit on black, 28×28 pixels each": "训练图片，黑底白字，每张 28×28 像素",
    "Pick one of the samples above.": "从上面的样本中选一个。",
    "The blog: *forget that it is a picture*. The network gets the 28 rows laid end to end, a column of 784 "
    "numbers — `X` of shape (784, 1). It never knows which pixels are neighbours.": "博客说：*暂时忘记它是一张图片*。网络得到的是首尾相接的 28 行，一列 784 个数 —— 形状为 (784, 1) 的 `X`。"
    "它从来不知道哪些像素是相邻的。",
    "The same image as a 784-long vector": "同一张图片，作为 784 维向量",
    "min-max (the blog)": "min-max（博客）",
    "difference": "差值",
    "pixels (log scale)": "像素数（对数刻度）",
    "pixel value": "像素值",
    "Mean image per digit": "每个数字的平均图像",
    "#{index} (a {digit})": "#{index}（数字 {digit}）",
    "28×28 pixels (0-255) of image #{index}": "图片 #{index} 的 28×28 像素（0-255）",
    "position in X (row × 28 + column)": "在 X 中的位置（行 × 28 + 列）",
    "all chosen digits": "所有选中的数字",
    # Train
    "🏋️ Train": "🏋️ 训练",
    "Preset": "预设",
    "▶️ Train": "▶️ 训练",
    "⏹️ Stop": "⏹️ 停止",
    "⏯️ Resume": "⏯️ 继续",
    "Stopped at epoch {epoch:.2f} (step {step} of {total}). The partly trained model is kept and used by the "
    "other pages.": "已在第 {epoch:.2f} 轮停止（第 {step} / {total} 步）。训练了一部分的模型已保留，其他页面会使用它。",
    "Test accuracy": "测试准确率",
    "Right": "答对",
    "Test loss": "测试损失",
    "Training time": "训练时间",
    "Some settings in the link were not understood and were left out: {ignored}.": "链接中有些设置无法识别，已忽略：{ignored}。",
    "Starting settings. The blog's: 0 vs 1, 784-10-2, one pass of per-sample SGD. All ten digits: a bigger "
    "network that reaches about 99%.": "起始设置。博客的：0 对 1，784-10-2，逐样本 SGD 训练一遍。全部十个数字：更大的网络，准确率约 99%。",
    "🔗 Link to these settings": "🔗 这些设置的链接",
    "Copy it (button at the right) and hand it out: it opens this page with these settings.": "复制它（右侧按钮）发给学生：打开后就是带着这些设置的本页面。",
    "Start a new run with these settings.": "用这些设置开始一次新的训练。",
    "Stop now; the partly trained model is kept.": "立即停止；保留训练了一部分的模型。",
    "Carry on with a stopped run.": "继续被停止的训练。",
    "Epoch {epoch:.2f} of {epochs} — about {left:.0f} s left": "第 {epoch:.2f} / {epochs} 轮 —— 还剩约 {left:.0f} 秒",
    "{step} of {total} batches, {seconds:.1f} s of training": "{step} / {total} 个批次，训练用时 {seconds:.1f} 秒",
    "Save or load a model": "保存或加载模型",
    "⬇️ Download the model (.npz)": "⬇️ 下载模型（.npz）",
    "Load a model (.npz)": "加载模型（.npz）",
    "Training {sizes} on digits {digits}…": "正在训练 {sizes}，数字 {digits}……",
    "Choose a preset and press **Train**. The blog's preset trains in about a second.": "选择一个预设，然后按 **训练**。博客的预设大约一秒就训练完。",
    "Share of the test images it gets right.": "测试图片中答对的比例。",
    "**Test images it got wrong** ({count})": "**答错的测试图片**（{count} 张）",
    "These settings cannot be trained: {error}.": "这些设置无法训练：{error}。",
    "This run would process {work} images (training images × epochs); one run may process at most {cap} on this "
    "server. Use fewer epochs or fewer digits.": "这次训练要处理 {work} 张图片（训练图片数 × 轮数）；本服务器每次最多处理 {cap} 张。请减少轮数或数字。",
    "W1, B1, W2, B2, … in the blog's shapes, plus the settings; np.load opens it.": "W1、B1、W2、B2……形状与博客一致，另含训练设置；可用 np.load 打开。",
    "A file downloaded here or written by python -m nnlib train --save.": "在这里下载的文件，或由 python -m nnlib train --save 写出的文件。",
    "Training diverged at step {step}: the learning rate {lr:g} is too large for this setup. Training stopped and "
    "kept the weights of step {kept}, the last good ones. Try a learning rate 10 times smaller.": "训练在第 {step} 步发散：学习率 {lr:g} 对这个设置太大了。训练已停止，并保留了第 {kept} 步的权重"
    "（最后一组正常的权重）。试试小 10 倍的学习率。",
    "None: every test image is right.": "没有：每张测试图片都答对了。",
    "Loaded {name}: layers {sizes}. The other pages use it now.": "已加载 {name}：层 {sizes}。其他页面现在使用它。",
    "Finished {epochs} epoch(s) in {seconds:.1f} s of training.": "已完成 {epochs} 轮，训练用时 {seconds:.1f} 秒。",
    "Not loaded: {error}. Your current model is unchanged.": "未加载：{error}。你当前的模型没有改变。",
    "Available again when the run stops or ends.": "训练停止或结束后即可使用。",
    "a {true}, said {said}": "是 {true}，判为 {said}",
    # Train settings
    "**Data**": "**数据**",
    "Augmentation": "数据增强",
    "Shuffle each epoch": "每轮打乱顺序",
    "**Network**": "**网络**",
    "Hidden layer sizes": "隐藏层大小",
    "Hidden activation": "隐藏层激活函数",
    "Output": "输出层",
    "Initialisation": "初始化",
    "Precision": "精度",
    "**Training**": "**训练**",
    "Learning rate": "学习率",
    "Epochs": "轮数",
    "Batch size": "批大小",
    "Momentum": "动量",
    "L2 weight decay": "L2 权重衰减",
    "Schedule": "学习率调度",
    "Seed": "随机种子",
    "hidden layer sizes must be whole numbers separated by commas, got {text!r}": "隐藏层大小必须是用逗号分隔的整数，收到的是 {text!r}",
    "Which digits to tell apart. The blog: 0 and 1. Try 3 and 8, or all ten.": "要区分哪些数字。博客：0 和 1。试试 3 和 8，或全部十个。",
    "How pixels 0-255 become 0-1 numbers. On MNIST both give almost the same.": "像素 0-255 如何变成 0-1 的数。在 MNIST 上两种方法几乎一样。",
    "Randomly slant, rotate and thicken training images, so hand drawings are read better. Slower; 0 = off.": "随机倾斜、旋转、加粗训练图片，让手写的数字更容易被认出。会更慢；0 = 关闭。",
    "The blog goes through the file in order. Shuffling usually helps.": "博客按文件顺序训练。打乱顺序通常更好。",
    "Neurons per hidden layer, e.g. 10 (the blog) or 256, 128 for two layers. Try 1, 2, 10, 100 and compare.": "每个隐藏层的神经元数，例如 10（博客），或 256, 128 表示两层。试试 1、2、10、100 并比较。",
    "The blog uses tanh. ReLU trains faster in deep networks.": "博客用 tanh。在深层网络中 ReLU 训练更快。",
    "Both give dZ = A − Y at the output, as the blog derives.": "两者在输出层都得到 dZ = A − Y，正如博客推导的那样。",
    "The blog: Glorot-uniform. Try zeros: every neuron stays the same.": "博客：Glorot 均匀分布。试试全零：每个神经元都一模一样。",
    "float32 is about twice as fast and accurate enough to train.": "float32 大约快一倍，精度也足够训练。",
    "Step size of gradient descent, on a log scale. Try 10 to see it diverge.": "梯度下降的步长，对数刻度。试试 10，看它发散。",
    "Passes over all training images.": "遍历全部训练图片的次数。",
    "Images per gradient step. 1 = the blog's per-sample SGD; all = full batch.": "每一步梯度下降用的图片数。1 = 博客的逐样本 SGD；全部 = 全批量。",
    "Carries part of the last step into the next; 0.9 is usual, 0 = plain SGD.": "把上一步的一部分带到下一步；常用 0.9，0 = 普通 SGD。",
    "Pulls weights towards zero a little every step.": "每一步把权重向零拉一点点。",
    "How the learning rate changes: constant (blog), halved at 50% and 75%, or a smooth cosine down to 0.": "学习率如何变化：不变（博客）、在 50% 和 75% 处减半，或按余弦平滑降到 0。",
    "Same seed, same settings: the same result every time.": "同样的种子、同样的设置：每次结果都一样。",
    "min-max per image (blog)": "每张图片 min-max（博客）",
    "sigmoid + binary cross-entropy (blog)": "sigmoid + 二元交叉熵（博客）",
    "softmax + cross-entropy": "softmax + 交叉熵",
    "all": "全部",
    "The blog: 0 vs 1, 784-10-2, per-sample SGD (seed)": "博客：0 对 1，784-10-2，逐样本 SGD（seed）",
    "All ten digits, 784-256-128-10 (digits)": "全部十个数字，784-256-128-10（digits）",
    "constant": "不变",
    "step: halve at 50% and 75%": "阶梯：在 50% 和 75% 处减半",
    "cosine": "余弦",
    # Weights
    "🔬 Weights": "🔬 权重",
    "Model: **{model}**, layers {sizes}. Each hidden neuron of the first layer has one weight per pixel, a row of "
    "`W1` ({rows}×{columns}); laid out as a 28×28 picture it shows what the neuron looks for: **red** pixels push "
    "it up when inked, **blue** ones push it down.": "模型：**{model}**，层 {sizes}。第一层的每个隐藏神经元对每个像素有一个权重，即 `W1`（{rows}×{columns}）"
    "的一行；排成 28×28 的图像，就能看出这个神经元在找什么：**红色** 像素有墨时推高它，**蓝色** 像素压低它。",
    "One neuron, enlarged": "放大一个神经元",
    "Neuron to enlarge": "要放大的神经元",
    "Watch the filters form": "看滤波器成形",
    "W1 during training (press ▶)": "训练过程中的 W1（按 ▶）",
    "Before, after, and what training changed": "训练前、训练后，以及训练改变了什么",
    "Colour scale": "颜色刻度",
    "First neuron shown (of {count})": "显示的第一个神经元（共 {count} 个）",
    "W1: neurons {first}–{last}": "W1：神经元 {first}–{last}",
    "Its 784 weights as a picture, and how it votes for each digit.": "它的 784 个权重画成图像，以及它为每个数字投的票。",
    "W2: which hidden neuron votes for which digit": "W2：哪个隐藏神经元为哪个数字投票",
    "Train a model on the **Train** page to see its filters form from noise here, step by step.": "在 **训练** 页训练一个模型，就能在这里一步步看到它的滤波器从噪声中成形。",
    "Shared: compare strengths between neurons. Own: see each neuron's pattern, however weak.": "共用：比较神经元之间的强弱。各自：看清每个神经元的模式，哪怕很弱。",
    "The grid shows {count} at a time.": "网格一次显示 {count} 个。",
    "W1 row {neuron}": "W1 第 {neuron} 行",
    "This network has {count} hidden layers: neuron {neuron} feeds the next hidden layer, not the digits directly.": "这个网络有 {count} 个隐藏层：神经元 {neuron} 连接到下一个隐藏层，而不是直接连到数字。",
    "hidden neuron": "隐藏神经元",
    "digit": "数字",
    "W2 (red: a vote for, blue: against)": "W2（红：赞成票，蓝：反对票）",
    "initial W1": "初始 W1",
    "trained W1": "训练后 W1",
    "change": "变化",
    "W2[:, {neuron}]: its vote for each digit": "W2[:, {neuron}]：它为每个数字投的票",
    "one shared scale": "共用一个刻度",
    "each filter its own": "每个滤波器各自的刻度",
    "weight": "权重",
    "▶ play": "▶ 播放",
    "⏸ pause": "⏸ 暂停",
    "epoch": "轮",
    # Draw
    "✏️ Draw": "✏️ 手写",
    "Using **{model}** (layers {sizes}, digits {digits}).": "使用 **{model}**（层 {sizes}，数字 {digits}）。",
    "Inside the network": "网络内部",
    "The {count} neurons that pushed hardest: each map is `W1[j] ⊙ X`, the neuron's weights times your drawing, "
    "pixel by pixel (red: ink where it wants ink).": "推动最大的 {count} 个神经元：每张图是 `W1[j] ⊙ X`，即该神经元的权重与你的手写逐像素相乘"
    "（红：它想要墨的地方正好有墨）。",
    "This model only knows the digits {digits}: whatever you draw, it answers one of them. Train *All ten "
    "digits*, or go back to the shipped model.": "这个模型只认识数字 {digits}：无论你写什么，它都只会回答其中之一。请训练 *全部十个数字*，或回到自带的模型。",
    "Use the ten-digit model": "使用十数字模型",
    "**Draw one digit, large, in the middle**": "**在中间写一个大大的数字**",
    "Stroke width": "笔画粗细",
    "🧽 Clear": "🧽 清除",
    "The canvas is empty: draw a digit and the network will read it.": "画布是空的：写一个数字，网络就会识别它。",
    "Cropped to the ink, fitted in 20×20 and centred by its centre of mass, the way MNIST's digits were made.": "裁剪到有墨的区域，缩放进 20×20，再按质心居中 —— 和 MNIST 数字的制作方法一样。",
    "Prediction": "预测",
    "Which neurons pushed the score of '{digit}'": "哪些神经元推高了“{digit}”的得分",
    "Forget this session's model; use the shipped one.": "忘掉本会话的模型；使用自带的模型。",
    "Pen thickness in canvas pixels.": "笔的粗细（画布像素）。",
    "Wipe the canvas and draw again.": "擦掉画布，重新写。",
    "What the network gets: 28×28": "网络得到的：28×28",
    "{sure:.1%} sure; read in {ms:.0f} ms.": "把握 {sure:.1%}；识别用时 {ms:.0f} 毫秒。",
    "Probabilities": "概率",
    "Hidden activations A1 ({count})": "隐藏层激活 A1（{count} 个）",
    "contribution": "贡献",
    "probability": "概率",
    "neuron {j}: {value:+.2f}": "神经元 {j}：{value:+.2f}",
    # Backprop
    "🧮 Backprop, step by step": "🧮 反向传播，一步一步",
    "The blog's formulas, each followed by its values for one training image and the current model (**{model}**). "
    "Samples are columns: X is (784, 1).": "博客的公式，每个公式后面跟着它对一张训练图片和当前模型（**{model}**）的实际数值。样本按列排列：X 是 (784, 1)。",
    "🎲 Random image": "🎲 随机图片",
    "↺ Reset weights": "↺ 重置权重",
    "Training image number": "训练图片编号",
    "Forward pass": "前向计算",
    "With m images the loss is the mean over the m columns; here m = 1. The blog divides by A2.shape[0], the "
    "number of output units: a bug.": "有 m 张图片时，损失是 m 列的平均；这里 m = 1。博客除以的是 A2.shape[0]，即输出单元的个数：这是个错误。",
    "Backward pass": "反向传播",
    "One step of gradient descent on this image": "在这张图片上做一步梯度下降",
    "Learning rate for the step": "这一步的学习率",
    "Take one SGD step": "做一步 SGD",
    "Gradient check": "梯度检验",
    "Is the derivation right? Each gradient above is compared with finite differences (Loss(w + ε) − Loss(w − ε)) "
    "/ 2ε, in float64, on up to 300 entries of each array.": "推导对吗？上面的每个梯度都与有限差分 (Loss(w + ε) − Loss(w − ε)) / 2ε 比较，用 float64，每个数组最多检查 300 个元素。",
    "Check the gradients": "检验梯度",
    "Pick another training image at random.": "随机换一张训练图片。",
    "Forget the steps taken here; start again from the current model.": "忘掉在这里做过的更新；从当前模型重新开始。",
    "Which of the {count} training images of digits {digits} to follow.": "跟踪数字 {digits} 的 {count} 张训练图片中的哪一张。",
    "The label is **{digit}**, so Y is the one-hot column {y}. The network says **{said}** and the loss on this "
    "image is **{loss:.5f}**.": "标签是 **{digit}**，所以 Y 是独热列 {y}。网络判为 **{said}**，这张图片上的损失是 **{loss:.5f}**。",
    "W ← W − learning rate · dW, for every W and B.": "W ← W − 学习率 · dW，对每个 W 和 B 都如此。",
    "Update all weights with this image's gradients.": "用这张图片的梯度更新全部权重。",
    "Loss on image #{index}": "图片 #{index} 上的损失",
    "Press the button: the weights move against the gradient and the loss on this image falls.": "按下按钮：权重沿梯度的反方向移动，这张图片上的损失随之下降。",
    "Takes about a second.": "大约需要一秒。",
    "Image #{index}. Relative error = largest difference / largest gradient. Below 1e-6: the formulas are right.": "图片 #{index}。相对误差 = 最大差值 / 最大梯度。低于 1e-6：公式是对的。",
    "Image #{index}: a {digit}": "图片 #{index}：数字 {digit}",
    "dW1: one 28×28 map per hidden neuron (first {count})": "dW1：每个隐藏神经元一张 28×28 图（前 {count} 个）",
    "Before the step it was {loss:.5f}.": "更新前是 {loss:.5f}。",
    "W1 before": "更新前的 W1",
    "W1 after": "更新后的 W1",
    "change = −lr · dW1": "变化 = −学习率 · dW1",
    "gradient": "梯度",
    "relative error": "相对误差",
    "agrees": "一致",
    "{name} {shape}: first values {first} … min {low:.4f}, max {high:.4f}, mean {mean:.4f}": "{name} {shape}：前几个值 {first} …… 最小 {low:.4f}，最大 {high:.4f}，平均 {mean:.4f}",
    # Compare
    "⚖️ Compare": "⚖️ 对比",
    "The blog ends with an invitation: change the number of hidden neurons, keep everything else, and compare "
    "accuracy, training time and memory. Pick one or two settings and a few values; every combination is trained "
    "with the same seed.": "博客最后邀请读者：改变隐藏神经元的数量，其他保持不变，比较准确率、训练时间和内存。"
    "选择一两个设置和几个取值；每种组合都用同一个随机种子训练。",
    "Start from": "起始预设",
    "Epochs per run": "每次训练的轮数",
    "▶️ Run the comparison": "▶️ 开始对比",
    "🗑️ Clear runs": "🗑️ 清除结果",
    "Peak training memory: the most memory the run's own arrays held at once (tracemalloc), beyond the shared "
    "dataset. Distinct W1 filters: how many hidden neurons are really different — with zero initialisation they "
    "all stay the same, so the layer acts like one neuron.": "训练内存峰值：这次训练自己的数组同时占用的最大内存（tracemalloc），不含共享的数据集。"
    "不同的 W1 滤波器：有多少个隐藏神经元真正不同 —— 全零初始化时它们始终一样，整层就像只有一个神经元。",
    "⬇️ Export as CSV": "⬇️ 导出为 CSV",
    "Every run uses this preset, changed only where you say.": "每次训练都用这个预设，只改你指定的地方。",
    "Fewer epochs, quicker comparison.": "轮数越少，对比越快。",
    "Vary": "改变",
    "Values of {setting}": "{setting}的取值",
    "And (optional)": "以及（可选）",
    "Train every combination, one after another.": "依次训练每一种组合。",
    "Stop; finished runs are kept.": "停止；已完成的训练会保留。",
    "Forget all runs of this session.": "忘掉本会话的所有训练结果。",
    "No runs yet. Try the blog's own question: hidden size 2, 10 and 50 on 0 and 1 — then on all ten digits. Or "
    "initialisation zeros against glorot-uniform to see the symmetry problem.": "还没有结果。试试博客自己的问题：隐藏层大小 2、10、50，先在 0 和 1 上，再在全部十个数字上。"
    "或者比较全零初始化和 Glorot 均匀初始化，看看对称性问题。",
    "The table above, for a spreadsheet.": "上面的表格，可用电子表格打开。",
    "batch loss (smoothed)": "批次损失（平滑）",
    "test accuracy (%)": "测试准确率（%）",
    "Loss of every run": "每次训练的损失",
    "Test accuracy of every run": "每次训练的测试准确率",
    "The setting whose values you compare.": "你要比较其取值的设置。",
    "One run per value.": "每个取值训练一次。",
    "A second setting: every pair of values is run.": "第二个设置：每一对取值都训练一次。",
    "Choose at least one value.": "请至少选择一个取值。",
    "This comparison would process {work} images (training images × epochs, all runs); at most {cap} are allowed "
    "per click on this server. Use fewer values or epochs.": "这次对比要处理 {work} 张图片（训练图片数 × 轮数，所有训练合计）；本服务器每次点击最多 {cap} 张。请减少取值或轮数。",
    "nothing else": "不再改变其他",
    "{count} runs finished.": "{count} 次训练已完成。",
    "Run {number} of {count}: {name} — epoch {epoch:.2f}": "第 {number} / {count} 次：{name} —— 第 {epoch:.2f} 轮",
    "Hidden layer size": "隐藏层大小",
    "run": "训练",
    "test accuracy": "测试准确率",
    "train s": "训练秒数",
    "parameters": "参数个数",
    "parameter memory (KB)": "参数内存（KB）",
    "peak training memory (MB)": "训练内存峰值（MB）",
    "distinct W1 filters": "不同的 W1 滤波器",
    "status": "状态",
    # charts
    "Loss": "损失",
    "Accuracy": "准确率",
    "Confusion matrix": "混淆矩阵",
    "cross-entropy loss": "交叉熵损失",
    "train accuracy": "训练准确率",
    "accuracy (%)": "准确率（%）",
    "predicted": "预测",
    "true digit": "真实数字",
    "batch loss": "批次损失",
    "train loss": "训练损失",
    "test loss": "测试损失",
    "true %{y}, said %{x}: %{z}": "真实 %{y}，判为 %{x}：%{z}",
    # chart help
    "ⓘ How many images of each digit. The test images are kept apart to check the network honestly.": "ⓘ 每个数字有多少张图片。测试图片单独留出，用来公正地检验网络。",
    "ⓘ The average of all training images of each digit: its typical shape. Try 3 and 8: how alike are they?": "ⓘ 每个数字全部训练图片的平均：它的典型形状。试试 3 和 8：它们有多像？",
    "ⓘ The same 784 numbers side by side: this is the network's input X. Each stroke becomes a run of spikes.": "ⓘ 同样的 784 个数并排：这就是网络的输入 X。每一笔都变成一串尖峰。",
    "ⓘ Each cell is one pixel's brightness, 0 (black) to 255 (white). Hover to read a value.": "ⓘ 每个格子是一个像素的亮度，0（黑）到 255（白）。把鼠标移上去可读数值。",
    "ⓘ Left and middle look the same on MNIST; the right map shows where they differ (white: no difference).": "ⓘ 在 MNIST 上左图和中图看起来一样；右图显示它们哪里不同（白色：没有差别）。",
    "ⓘ Light: each batch's loss; dark: smoothed; dots: the loss on all train and test images. Lower is better. Try learning rate 10 to see it explode.": "ⓘ 浅色：每个批次的损失；深色：平滑后；圆点：全部训练和测试图片上的损失。越低越好。试试学习率 10，看它爆炸。",
    "ⓘ Share of train and test images right at each evaluation. Test far below train means overfitting.": "ⓘ 每次评估时训练和测试图片答对的比例。测试远低于训练说明过拟合。",
    "ⓘ Rows: the true digit; columns: what the network said. Numbers off the diagonal are mistakes: which digits get confused?": "ⓘ 行：真实数字；列：网络的判断。对角线以外的数字是错误：哪些数字容易混淆？",
    "ⓘ Red: ink here makes the neuron fire; blue: ink here silences it. Hover for values. After training, look for stroke-shaped patterns.": "ⓘ 红色：这里有墨会让神经元激活；蓝色：这里有墨会抑制它。鼠标悬停可看数值。训练后，找找笔画形状的图案。",
    "ⓘ Press ▶ or drag the slider: the filters start as random noise and take shape as training goes on.": "ⓘ 按 ▶ 或拖动滑块：滤波器起初是随机噪声，随着训练逐渐成形。",
    "ⓘ How strongly this neuron's output raises (+) or lowers (−) each digit's score.": "ⓘ 这个神经元的输出把每个数字的得分提高（+）或降低（−）多少。",
    "ⓘ Each cell: the weight from a hidden neuron (column) to a digit (row). A neuron red for 0 and blue for 1 is a '0 detector'.": "ⓘ 每个格子：从一个隐藏神经元（列）到一个数字（行）的权重。对 0 是红、对 1 是蓝的神经元就是“0 检测器”。",
    "ⓘ The change is what training wrote into the weights: the shapes the network learned.": "ⓘ 变化就是训练写进权重的东西：网络学到的形状。",
    "ⓘ How sure the network is of each digit (they add up to 1). Try a sloppy 4, or a 7 with a bar.": "ⓘ 网络对每个数字有多大把握（合计为 1）。试试写得潦草的 4，或者带横杠的 7。",
    "ⓘ How much each hidden neuron raised (+) or lowered (−) the winning digit's score.": "ⓘ 每个隐藏神经元把胜出数字的得分提高（+）或降低（−）了多少。",
    "ⓘ Each first-layer hidden neuron's output A1 for your drawing.": "ⓘ 第一隐藏层每个神经元对你的手写的输出 A1。",
    "ⓘ One line per run. Which learns fastest? Which ends highest?": "ⓘ 每次训练一条线。哪个学得最快？哪个最后最高？",
    "The canvas is mostly ink: clear it and draw one digit with a thinner stroke.": "画布上几乎全是墨：请清除后用细一点的笔写一个数字。",
    "Accuracy appears after the first evaluation.": "第一次评估之后这里显示准确率。",
    "Data": "数据",
    "Hidden layer sizes: {error}.": "隐藏层大小：{error}。",
    "Network": "网络",
    "Press Train: the loss appears here.": "点击“训练”：损失会显示在这里。",
    "Some settings in the link were changed: {parts}.": "链接中的部分设置被修改了：{parts}。",
    "The loss appears after the first batch.": "第一个批次之后这里显示损失。",
    "These settings cannot be trained — {problems}": "这些设置无法训练——{problems}",
    "Training": "训练",
    "Training diverged after {step} steps (epoch {epoch:.2f}): {what}. The learning rate {lr:g} is too large for this setup: each step overshoots, and the next one overshoots more. Training stopped and kept the weights of step {kept}, the last good ones. Try a learning rate 10 times smaller.": "训练在 {step} 步后发散（第 {epoch:.2f} 轮）：{what}。学习率 {lr:g} 对这个设置太大了：每一步都走过了头，下一步走得更过。训练已停止，并保留了第 {kept} 步的权重，也就是最后一组好的权重。试试小 10 倍的学习率。",
    "Under each image: the true digit → what the network said.": "每张图下方：真实数字 → 网络的回答。",
    "left out (not understood): {items}": "已忽略（无法理解）：{items}",
    "moved to the nearest allowed value: {items}": "已改为最接近的允许值：{items}",
    "of {total} test images": "共 {total} 张测试图片",
    "the loss grew from {start:.3g} to {now:.3g} on average (this batch: {loss:.3g})": "平均损失从 {start:.3g} 增长到 {now:.3g}（这个批次：{loss:.3g}）",
    "the loss overflowed to {loss}": "损失溢出为 {loss}",
    "{problem}.": "{problem}。",
    "{true} → {said}": "{true} → {said}",
    "ⓘ Grey: each batch's loss; black: smoothed; blue circles and orange diamonds (dashed): the loss and accuracy on all train and test images. Test far below train means overfitting. Try learning rate 10 to see the loss explode.": "ⓘ 灰色：每个批次的损失；黑色：平滑后的损失；蓝色圆点与橙色菱形（虚线）：在全部训练集和测试集上的损失与准确率。测试远低于训练意味着过拟合。把学习率设为 10，看看损失如何爆炸。",
    "ⓘ Rows: the true digit; columns: what the network said. Orange and red cells are mistakes: which digits get confused?": "ⓘ 行：真实数字；列：网络的回答。橙色和红色的格子是错误：哪些数字容易混淆？",
    "sigmoid (blog)": "sigmoid（博客）",
    "sigmoid: each output on its own, with binary cross-entropy (the blog); softmax: outputs that add up to 1, with cross-entropy. Both give dZ = A − Y at the output, as the blog derives.": "sigmoid：每个输出各自独立，配二元交叉熵（博客的做法）；softmax：输出之和为 1，配交叉熵。两者在输出层都得到 dZ = A − Y，正如博客推导的那样。",
    "Inside the network, on test image #{index} (a {digit})": "网络内部：第 {index} 号测试图片（一个 {digit}）",
    "This run would take about {estimate} CPU-seconds; one run may take at most {cap} on this server.": "这次训练大约需要 {estimate} CPU 秒；这台服务器上每次训练最多 {cap} CPU 秒。",
    "{epochs} epoch(s) would fit.": "{epochs} 轮可以放得下。",
    "Hidden layer sizes {hidden} would fit.": "隐藏层大小 {hidden} 可以放得下。",
    "The server's queue is full: every place is taken. Try again in a minute.": "服务器的队列已满：所有位置都被占用了。请过一分钟再试。",
    "This run: about {estimate} CPU-seconds of training (at most {cap} per run on this server).": "这次训练：大约 {estimate} CPU 秒（这台服务器上每次最多 {cap}）。",
    "Waiting for a free worker: {ahead} run(s) ahead of yours, about {seconds:.0f} s.": "正在等待空闲的训练进程：你前面还有 {ahead} 个训练，大约 {seconds:.0f} 秒。",
    "The training process stopped unexpectedly (killed, or out of memory) at step {step}; the weights it sent last are kept. Press Train to start again.": "训练进程在第 {step} 步意外停止（被终止或内存不足）；保留了它最后发回的权重。点击“训练”重新开始。",
    "Paused: nobody was watching this run for a while. Resume carries on.": "已暂停：有一段时间没有人查看这次训练。点击“继续”接着训练。",
    "This comparison would take about {work} CPU-seconds (all runs); at most {cap} are allowed per click on this server. Use fewer values or epochs.": "这次对比大约需要 {work} CPU 秒（所有训练合计）；这台服务器每次点击最多允许 {cap}。请减少取值或轮数。",
    "**The pages** (left sidebar):\n1. **Dataset** — what the network sees: images, counts, the 784-long vector, normalisation.\n2. **Train** — pick the blog's preset or all ten digits, press *Train*, watch the loss fall live.\n3. **Weights** — each hidden neuron's weights `W1` as a 28×28 picture, forming from noise.\n4. **Draw** — draw a digit and see what the network says, and why: its neurons lit up, the pixels that matter, the smallest change that fools it, what it dreams a digit looks like.\n5. **Backprop** — the blog's derivation with live numbers: one image, one step, a gradient check.\n6. **Compare** — the blog's closing experiment: other hidden sizes and settings, side by side.\n7. **Class** — the same experiment as a class: everyone posts a run to one shared board.": "**页面**（左侧边栏）：\n1. **数据集 Dataset** — 网络看到的是什么：图片、数量、784 维向量、归一化。\n2. **训练 Train** — 选择博客的预设或全部十个数字，点击*训练*，实时看损失下降。\n3. **权重 Weights** — 每个隐藏神经元的权重 `W1` 画成 28×28 的图，从噪声中逐渐成形。\n4. **手写 Draw** — 写一个数字，看网络怎么回答、为什么：被点亮的神经元、起作用的像素、骗过它的最小改动、它心目中的数字长什么样。\n5. **反向传播 Backprop** — 博客的推导配上实时数值：一张图、一步更新、一次梯度检验。\n6. **对比 Compare** — 博客结尾的实验：不同的隐藏层大小和设置，并排比较。\n7. **全班 Class** — 全班一起做这个实验：每个人把一次训练发到同一块看板上。",
    "- **Dataset**: show a digit as a 28×28 grid, then as the 784 numbers the network really gets.\n- **Train** with the *blog* preset (one pass, per-sample SGD, under a second): 2114 of 2115 test images right. Then set the learning rate to 10 and watch it diverge.\n- **Weights**: play the timeline; the filters turn from noise into 0-and-1 detectors.\n- **Backprop**: follow one image through every formula; take a step; check the gradients.\n- **Train** the *quick ten-digit* preset (a few seconds, about 98%) and go to **Draw**: let students draw, click a neuron, fool the network.\n- **Class**: create a board, put its code on the screen; each student tries one hidden size and posts the run: the class's curve of size against accuracy and time appears as they post.": "- **数据集**：把一个数字显示成 28×28 的网格，再显示成网络真正拿到的 784 个数。\n- 用*博客*预设**训练**（一轮、逐样本 SGD，不到一秒）：2115 张测试图片对了 2114 张。然后把学习率设为 10，看它发散。\n- **权重**：播放时间轴；滤波器从噪声变成 0 和 1 的检测器。\n- **反向传播**：跟着一张图片走过每个公式；走一步；检验梯度。\n- 用*快速十个数字*预设**训练**（几秒钟，约 98%），再去**手写**：让学生写数字、点击神经元、骗过网络。\n- **全班**：创建一块看板，把代码投到屏幕上；每个学生试一个隐藏层大小并发布结果：全班的“大小—准确率与时间”曲线随着发布逐渐出现。",
    "Input, 28×28": "输入，28×28",
}
# Each feature keeps its own texts' Chinese in a module of its own.
from .zh_board import ZH_BOARD  # noqa: E402
from .zh_insight import ZH_INSIGHT  # noqa: E402
from .zh_jobs import ZH_JOBS  # noqa: E402
from .zh_lab import ZH_LAB  # noqa: E402
from .zh_robust import ZH_ROBUST  # noqa: E402

for _part in (ZH_BOARD, ZH_INSIGHT, ZH_JOBS, ZH_LAB, ZH_ROBUST):
    ZH.update(_part)
