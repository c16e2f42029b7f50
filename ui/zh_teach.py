"""Chinese for Draw's "Teach it" (ui/teach.py) and its "not sure" answer."""

ZH_TEACH = {
    "{sure:.1%} · not sure: {first} or {second}?": "{sure:.1%} · 没把握：{first} 还是 {second}？",
    "Teach it": "教教它",
    "Did the network read your drawing wrong? Pick the digit you meant, add the drawing to your digits, and "
    "retrain the network on MNIST plus them.": "网络认错了你写的数字？选出你想写的数字，把这幅图加入“我的数字”，"
    "再用 MNIST 加上它们重新训练网络。",
    "The right answer": "正确答案",
    "➕ Add to my digits": "➕ 加入我的数字",
    "🎓 Retrain on my digits": "🎓 用我的数字重新训练",
    "Remove": "移除",
    "The canvas is empty: draw the digit the network read wrong, then add it.": "画布是空的：先写出网络认错的数字，再把它加入。",
    "Pick the right answer first (the digit you meant), then add the drawing.": "先选出正确答案（你想写的数字），再加入这幅图。",
    "Your set is full ({count} digits): remove some before adding more, or retrain on these.": (
        "你的数字已满（{count} 个）：先移除一些再加入，或者就用这些重新训练。"
    ),
    "Added as a {digit}: {count} of {most} digits.": "已作为 {digit} 加入：共 {count} 个，最多 {most} 个。",
    "Your digits ({count} of {most}):": "我的数字（{count} 个，最多 {most} 个）：",
    "This model knows only the digits {known}: your {unknown} are left out of its retraining.": (
        "这个模型只认识数字 {known}：你的 {unknown} 不参加它的重新训练。"
    ),
    "Add a drawing with its right answer first: there is nothing to teach yet.": "先加入一幅图和它的正确答案：现在还没有可教的内容。",
    "Retraining on MNIST and your digits…": "正在用 MNIST 和你的数字重新训练……",
    "Your digits read right": "你的数字认对了",
    "{right} of {count}": "{count} 个中的 {right} 个",
    "before: {right} of {count}": "之前：{count} 个中的 {right} 个",
    "MNIST test accuracy": "MNIST 测试准确率",
    "{change:+.2f} points (before: {before:.2%})": "{change:+.2f} 个百分点（之前：{before:.2%}）",
    "On the MNIST test images, which the retraining never sees.": "在 MNIST 测试图片上测得，重新训练从不使用这些图片。",
    "Each of your digits: the answer before → after the retraining.": "你的每个数字：重新训练之前 → 之后的答案。",
    "retrained on your digits in this session": "在本次会话中用你的数字重新训练过",
}
