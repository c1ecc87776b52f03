"""Docker for the app: find its container, run commands in it (or locally), build its image.

Output is streamed as sanitised lines (`output`), through one small runner interface (`runner`)
with a container implementation (`exec_runner`) and a local one (`local_runner`).
"""
