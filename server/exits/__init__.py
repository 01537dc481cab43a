"""脱贫退出: a household's exit from poverty, as the national procedure's steps with their rules."""
