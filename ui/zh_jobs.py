"""Chinese for the texts of training jobs, the work cap and the class preset (issue 9)."""

ZH_JOBS = {
    "All ten digits, quick: 784-192-10, 5 epochs (class)": "全部十个数字，快速：784-192-10，5 轮（class）",
}
