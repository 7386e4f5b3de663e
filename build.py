"""The ``policykg`` command line (placeholder until the CLI lands)."""


def main() -> None:
    print("policykg")


if __name__ == "__main__":
    main()
