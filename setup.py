from setuptools import find_packages, setup

setup(
    name="kfq-kg",
    version="0.1.0",
    description="Knowledge-graph builder for Chinese policy speeches about development zones",
    packages=find_packages(include=["kg", "kg.*"]),
    package_data={"kg": ["lexicons/*", "patterns/*", "templates/*"]},
    python_requires=">=3.10",
    install_requires=[
        "jieba>=0.42", "rdflib>=7.0", "pyvis>=0.3", "click>=8.1", "networkx>=3.0", "graspologic-native>=1.2",
        "pyoxigraph>=0.4", "pyshacl>=0.25", "charset-normalizer>=3.0", "pyahocorasick>=2.0",
        "cn2an>=0.5", "opencc-python-reimplemented>=0.1.7",
        "numpy>=1.22", "scipy>=1.8", "python-docx>=1.0", "beautifulsoup4>=4.12", "lxml>=5.0", "jinja2>=3.0", "pyyaml>=6.0",
        "orjson>=3.9",
    ],
    extras_require={"test": ["pytest>=8", "hypothesis>=6", "oxigraph>=0.4", "playwright>=1.40"]},
    entry_points={"console_scripts": ["kg=kg.cli:main"]},
)
