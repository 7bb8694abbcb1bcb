"""The one error a site data file can cause, worded for the web team."""


class DataError(Exception):
    "A file under content/ is malformed; the message names the file, the position and the problem."

    def __init__(self, path, position: str, message: str):
        self.path, self.position, self.message = str(path), position, message
        super().__init__(f"{self.path}, {position}: {message}" if position else f"{self.path}: {message}")
