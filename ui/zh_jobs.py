"""Chinese for the texts of training jobs, the work cap and the class preset (issue 9)."""

ZH_JOBS = {
    "All ten digits, quick: 784-192-10, 5 epochs (class)": "全部十个数字，快速：784-192-10，5 轮（class）",
    # hosting: limits, memory admission, queue, CPU time
    "{cpus:g} CPU of quota": "{cpus:g} 个 CPU 的配额",
    "no CPU quota": "没有 CPU 配额",
    "a memory limit of {megabytes} MB": "内存上限 {megabytes} MB",
    "no memory limit": "没有内存上限",
    "no cgroup": "未找到 cgroup",
    "This server: {cpu}, {memory} ({source}); {workers} training worker(s).": "本服务器：{cpu}，{memory}（{source}）；{workers} 个训练进程。",
    "This run would hold about {estimate} MB of memory; one run may hold at most {budget} MB on this server.": "这次训练大约要占用 {estimate} MB 内存；本服务器上一次训练最多只能占用 {budget} MB。",
    "Batch size {batch} would fit.": "批大小 {batch} 可以放得下。",
    "Waiting for a free worker: yours is next, in about {seconds:.0f} s.": "正在等待空闲的训练进程：下一个就轮到你，大约 {seconds:.0f} 秒后开始。",
    "wall s": "墙钟秒数",
}
