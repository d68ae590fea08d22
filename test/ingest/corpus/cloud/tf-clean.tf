terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

variable "admin_cidr" {
  type        = string
  description = "The admin's address"
  default     = "203.0.113.10/32"
}

variable "wireguard_port" {
  type    = number
  default = 41641
}

# Inline rules, the older form.
resource "aws_security_group" "host" {
  name        = "ai-platform-host"
  description = "SSH from the admin, WireGuard from anywhere"
  vpc_id      = var.vpc_id

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }

  ingress {
    description      = "WireGuard"
    from_port        = var.wireguard_port
    to_port          = "${var.wireguard_port}"
    protocol         = "udp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
