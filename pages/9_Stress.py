from ui.navigation import page_setup

page_setup("Stress", "🌪️")
